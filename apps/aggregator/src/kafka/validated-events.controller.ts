import { Controller, Inject, type OnModuleInit, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { BATCH_SERVER, KAFKA, LOGGER, METRICS, RethrowRpcExceptions, SETTINGS, sharePartitions, workerSubscription } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import { BATCH_PATTERNS, type KafkaBatchContext, type KafkaBatchServer, type PartitionBatch, deadLetterPattern, fetchedBehind } from '@tthc/messaging';
import { readNextOffsets } from '@tthc/persistence';
import type { Logger } from '@tthc/platform';
import type { AggregatorSettings } from '../aggregator.settings';
import { DossierBatchHandler, type DossierBatchResult } from '../dossier-batch.handler';
import { LiveSnapshotPublisher } from '../live-snapshot.publisher';

/** Adapter: `tthc.dossier.validated` partition batches → DossierBatchHandler, resuming from the offsets stored in PostgreSQL. */
@Controller()
@UseFilters(RethrowRpcExceptions)
export class ValidatedEventsController implements OnModuleInit {
  constructor(
    private readonly handler: DossierBatchHandler,
    private readonly live: LiveSnapshotPublisher,
    private readonly dataSource: DataSource,
    @Inject(BATCH_SERVER) private readonly transport: KafkaBatchServer,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SETTINGS) private readonly settings: AggregatorSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: AppMetrics,
  ) {}

  onModuleInit(): void {
    const s = this.settings;
    this.transport.subscribe(
      BATCH_PATTERNS.validatedEvents,
      workerSubscription(s, this.kafka, this.logger, this.metrics, {
        groupId: s.AGGREGATOR_GROUP_ID,
        topic: s.TOPIC_VALIDATED,
        partitionsConsumedConcurrently: s.AGGREGATOR_PARTITIONS_CONCURRENTLY,
        readStoredOffsets: () => readNextOffsets(this.dataSource, s.AGGREGATOR_GROUP_ID, s.TOPIC_VALIDATED),
        // Kafka's committed offsets only show lag here: a restart resumes from the stored ones.
        commitIntervalMs: s.KAFKA_COMMIT_INTERVAL_MS,
        // The live snapshot refreshes only the units of the partitions this member holds, and
        // forgets what it kept: another member may have changed them meanwhile.
        assigned: sharePartitions(this.kafka, s.TOPIC_VALIDATED, this.logger, 'the live snapshot refreshes the units of the last count read, or every unit', (partitions, count) =>
          this.live.partitionsAssigned(partitions, count),
        ),
      }),
    );
  }

  @EventPattern(BATCH_PATTERNS.validatedEvents)
  async handle(@Payload() batch: PartitionBatch): Promise<void> {
    this.observe(await this.handler.handle(batch), fetchedBehind(batch));
  }

  @EventPattern(deadLetterPattern(BATCH_PATTERNS.validatedEvents))
  async deadLetter(@Payload() batch: PartitionBatch, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    this.observe(await this.handler.deadLetter(batch, ctx.getFailure()));
  }

  private observe(r: DossierBatchResult, behind = false): void {
    this.live.markDirty(r.changedUnits, behind, r.earliestDays, r.overdueChangeFrom);
    if (r.applied > 0) this.metrics.eventsApplied.inc(r.applied);
  }
}
