import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { UnitSnapshot } from '@tthc/contracts';
import { KAFKA, LOGGER, ManagedBatchConsumer, SETTINGS } from '@tthc/infrastructure';
import { recordContext } from '@tthc/messaging';
import type { Logger } from '@tthc/platform';
import { AlertEvaluationHandler } from '../alert-evaluation.handler';
import type { NotifierSettings } from '../notifier.settings';

/**
 * Adapter: `tthc.metrics.units` → an evaluation of the units that changed in each batch. The
 * snapshot is only the trigger: the handler reads the figures for each rule's window from the
 * day counters, which are at least as fresh as any snapshot derived from them.
 */
@Injectable()
export class UnitMetricsConsumer extends ManagedBatchConsumer {
  constructor(
    handler: AlertEvaluationHandler,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SETTINGS) settings: NotifierSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    super({
      kafka,
      logger,
      groupId: settings.NOTIFIER_GROUP_ID,
      topic: settings.TOPIC_UNIT_METRICS,
      // Alert latency (BENCHMARKS.md) waits on this: the broker answers as soon as a snapshot lands.
      maxWaitTimeInMs: 50,
      handleBatch: async (batch) => {
        const units = new Set<string>();
        for (const m of batch.messages) {
          if (!m.value) continue; // a compaction tombstone
          try {
            units.add((JSON.parse(m.value.toString('utf8')) as UnitSnapshot).unitCode);
          } catch (err) {
            logger.error({ err, ...recordContext(batch.topic, batch.partition, m) }, 'unreadable unit snapshot skipped');
          }
        }
        if (units.size > 0) await handler.evaluateUnits([...units]);
      },
    });
  }
}
