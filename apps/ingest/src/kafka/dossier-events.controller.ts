import { Controller, Inject, type OnModuleInit, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { BATCH_SERVER, KAFKA, LOGGER, METRICS, RethrowRpcExceptions, SETTINGS, workerSubscription } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import { BATCH_PATTERNS, type KafkaBatchContext, type KafkaBatchServer, type PartitionBatch, deadLetterPattern } from '@tthc/messaging';
import { readNextOffsets } from '@tthc/persistence';
import type { Logger } from '@tthc/platform';
import { IngestBatchHandler } from '../ingest-batch.handler';
import type { IngestSettings } from '../ingest.settings';

/** Adapter: `tthc.dossier.events` partition batches → IngestBatchHandler, resuming from the offsets stored with the raw log (see the handler). */
@Controller()
@UseFilters(RethrowRpcExceptions)
export class DossierEventsController implements OnModuleInit {
  constructor(
    private readonly handler: IngestBatchHandler,
    private readonly dataSource: DataSource,
    @Inject(BATCH_SERVER) private readonly transport: KafkaBatchServer,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SETTINGS) private readonly settings: IngestSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: AppMetrics,
  ) {}

  onModuleInit(): void {
    const s = this.settings;
    this.transport.subscribe(
      BATCH_PATTERNS.dossierEvents,
      workerSubscription(s, this.kafka, this.logger, this.metrics, {
        groupId: s.INGEST_GROUP_ID,
        topic: s.TOPIC_EVENTS,
        partitionsConsumedConcurrently: s.INGEST_PARTITIONS_CONCURRENTLY,
        readStoredOffsets: () => readNextOffsets(this.dataSource, s.INGEST_GROUP_ID, s.TOPIC_EVENTS),
        // Kafka's committed offsets only show lag here: a restart resumes from the stored ones.
        commitIntervalMs: s.KAFKA_COMMIT_INTERVAL_MS,
      }),
    );
  }

  @EventPattern(BATCH_PATTERNS.dossierEvents)
  async handle(@Payload() batch: PartitionBatch): Promise<void> {
    const r = await this.handler.handle(batch);
    this.metrics.observeIngest({ accepted: r.forwarded, duplicates: r.duplicates, rejectedByReason: r.rejectedByReason });
  }

  @EventPattern(deadLetterPattern(BATCH_PATTERNS.dossierEvents))
  deadLetter(@Payload() batch: PartitionBatch, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    return this.handler.deadLetter(batch, ctx.getFailure());
  }
}
