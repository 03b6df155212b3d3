import { Controller, Inject, type OnModuleInit, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import type { UnitSnapshot } from '@tthc/contracts';
import { BATCH_SERVER, KAFKA, LOGGER, METRICS, RethrowRpcExceptions, SETTINGS, sharePartitions, workerSubscription } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import { BATCH_PATTERNS, type KafkaBatchContext, type KafkaBatchServer, type PartitionBatch, deadLetterPattern, recordContext } from '@tthc/messaging';
import type { Logger } from '@tthc/platform';
import { AlertEvaluationPipeline } from '../alert-evaluation.pipeline';
import type { NotifierSettings } from '../notifier.settings';

/**
 * Adapter: `tthc.metrics.units` → an evaluation of the units that changed in each batch, on the
 * figures their snapshots carry (the latest of each unit in the batch; the pipeline reads only
 * the windows a snapshot does not carry from the day counters).
 */
@Controller()
@UseFilters(RethrowRpcExceptions)
export class UnitMetricsController implements OnModuleInit {
  constructor(
    private readonly pipeline: AlertEvaluationPipeline,
    @Inject(BATCH_SERVER) private readonly transport: KafkaBatchServer,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SETTINGS) private readonly settings: NotifierSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: AppMetrics,
  ) {}

  onModuleInit(): void {
    const s = this.settings;
    this.transport.subscribe(
      BATCH_PATTERNS.unitMetrics,
      // The fetch wait is the consumer's default (250 ms): the broker answers a fetch as soon as a
      // snapshot lands, so alert latency does not wait on it (BENCHMARKS.md, Alerting); 50 ms
      // only meant 20 empty fetches a second while the province is quiet. Offsets are committed
      // after every batch (no KAFKA_COMMIT_INTERVAL_MS): a restart that saw an older snapshot
      // again after a newer one could flap an alert.
      workerSubscription(s, this.kafka, this.logger, this.metrics, {
        groupId: s.NOTIFIER_GROUP_ID,
        topic: s.TOPIC_UNIT_METRICS,
        // Until the topic's partition count confirms that this member holds every partition, the
        // clock tick keeps no store reads (AlertEvaluationPipeline.partitionsAssigned).
        assigned: sharePartitions(this.kafka, s.TOPIC_UNIT_METRICS, this.logger, 'the clock tick reads every unit without a snapshot', (partitions, count) => {
          const everyPartition = count !== undefined && new Set(partitions).size === count;
          if (count === undefined || everyPartition) this.pipeline.partitionsAssigned(partitions, everyPartition);
        }),
      }),
    );
  }

  @EventPattern(BATCH_PATTERNS.unitMetrics)
  async handle(@Payload() batch: PartitionBatch): Promise<void> {
    // In offset order: the pipeline keeps each unit's latest that is not older than the one before (HeldSnapshots).
    const snapshots: UnitSnapshot[] = [];
    for (const m of batch.messages) {
      if (!m.value) continue; // a compaction tombstone
      try {
        snapshots.push(JSON.parse(m.value.toString('utf8')) as UnitSnapshot);
      } catch (err) {
        this.logger.error({ err, ...recordContext(batch.topic, batch.partition, m) }, 'unreadable unit snapshot skipped');
      }
    }
    if (snapshots.length > 0) await this.pipeline.evaluateSnapshots(batch.partition, snapshots);
  }

  /**
   * A snapshot is derived from the day counters: when storage refuses what evaluating one unit
   * writes, skipping it loses nothing the next tick does not redo from the counters.
   */
  @EventPattern(deadLetterPattern(BATCH_PATTERNS.unitMetrics))
  deadLetter(@Payload() batch: PartitionBatch, @Ctx() ctx: KafkaBatchContext): void {
    const failure = ctx.getFailure();
    this.logger.error({ partition: batch.partition, offset: batch.messages[0].offset, errorCode: failure.code, err: failure.message }, 'evaluation refused by storage; snapshot skipped');
  }
}
