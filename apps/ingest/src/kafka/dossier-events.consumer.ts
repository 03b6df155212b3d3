import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { KAFKA, LOGGER, METRICS, ManagedBatchConsumer, SETTINGS } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import type { Logger } from '@tthc/platform';
import { IngestBatchHandler } from '../ingest-batch.handler';
import type { IngestSettings } from '../ingest.settings';

/** Adapter: `tthc.dossier.events` batches → IngestBatchHandler. Offsets live in Kafka (see the handler). */
@Injectable()
export class DossierEventsConsumer extends ManagedBatchConsumer {
  constructor(
    handler: IngestBatchHandler,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SETTINGS) settings: IngestSettings,
    @Inject(LOGGER) logger: Logger,
    @Inject(METRICS) metrics: AppMetrics,
  ) {
    super({
      kafka,
      logger,
      groupId: settings.INGEST_GROUP_ID,
      topic: settings.TOPIC_EVENTS,
      partitionsConsumedConcurrently: settings.INGEST_PARTITIONS_CONCURRENTLY,
      handleBatch: async (batch) => {
        const r = await handler.handle(batch);
        metrics.observeIngest({ accepted: r.forwarded, duplicates: r.duplicates, rejectedByReason: r.rejectedByReason, dlqByReason: r.dlqByReason });
      },
    });
  }
}
