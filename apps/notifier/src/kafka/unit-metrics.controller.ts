import { Controller, Inject, type OnModuleInit, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import type { UnitSnapshot } from '@tthc/contracts';
import { BATCH_SERVER, KAFKA, LOGGER, METRICS, RethrowRpcExceptions, SETTINGS, workerSubscription } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import { BATCH_PATTERNS, type KafkaBatchContext, type KafkaBatchServer, type PartitionBatch, deadLetterPattern, recordContext } from '@tthc/messaging';
import type { Logger } from '@tthc/platform';
import { AlertEvaluationHandler } from '../alert-evaluation.handler';
import type { NotifierSettings } from '../notifier.settings';

/**
 * Adapter: `tthc.metrics.units` → an evaluation of the units that changed in each batch. The
 * snapshot is only the trigger: the handler reads the figures for each rule's window from the
 * day counters, which are at least as fresh as any snapshot derived from them.
 */
@Controller()
@UseFilters(RethrowRpcExceptions)
export class UnitMetricsController implements OnModuleInit {
  constructor(
    private readonly handler: AlertEvaluationHandler,
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
      // Alert latency (BENCHMARKS.md) waits on this: the broker answers as soon as a snapshot lands.
      workerSubscription(s, this.kafka, this.logger, this.metrics, { groupId: s.NOTIFIER_GROUP_ID, topic: s.TOPIC_UNIT_METRICS, maxWaitTimeInMs: 50 }),
    );
  }

  @EventPattern(BATCH_PATTERNS.unitMetrics)
  async handle(@Payload() batch: PartitionBatch): Promise<void> {
    const units = new Set<string>();
    for (const m of batch.messages) {
      if (!m.value) continue; // a compaction tombstone
      try {
        units.add((JSON.parse(m.value.toString('utf8')) as UnitSnapshot).unitCode);
      } catch (err) {
        this.logger.error({ err, ...recordContext(batch.topic, batch.partition, m) }, 'unreadable unit snapshot skipped');
      }
    }
    if (units.size > 0) await this.handler.evaluateUnits([...units]);
  }

  /**
   * A snapshot is only a trigger, derived from the day counters: when storage refuses what
   * evaluating one unit writes, skipping that trigger loses nothing the next tick does not redo.
   */
  @EventPattern(deadLetterPattern(BATCH_PATTERNS.unitMetrics))
  deadLetter(@Payload() batch: PartitionBatch, @Ctx() ctx: KafkaBatchContext): void {
    const failure = ctx.getFailure();
    this.logger.error({ partition: batch.partition, offset: batch.messages[0].offset, errorCode: failure.code, err: failure.message }, 'evaluation refused by storage; snapshot skipped');
  }
}
