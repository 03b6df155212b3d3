import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { KAFKA, LOGGER, ManagedBatchConsumer, SETTINGS } from '@tthc/infrastructure';
import type { Logger } from '@tthc/platform';
import { IngestBatchHandler } from '../ingest-batch.handler';
import type { IngestSettings } from '../ingest.settings';

/** Adapter: `tthc.dossier.events` batches → IngestBatchHandler. Offsets live in Kafka (see the handler). */
@Injectable()
export class DossierEventsConsumer extends ManagedBatchConsumer {
  constructor(handler: IngestBatchHandler, @Inject(KAFKA) kafka: Kafka, @Inject(SETTINGS) settings: IngestSettings, @Inject(LOGGER) logger: Logger) {
    super(
      {
        kafka,
        logger,
        groupId: settings.INGEST_GROUP_ID,
        topic: settings.TOPIC_EVENTS,
        partitionsConsumedConcurrently: settings.INGEST_PARTITIONS_CONCURRENTLY,
        handleBatch: async (batch) => {
          await handler.handle(batch);
        },
        deadLetter: (batch, failure) => handler.deadLetter(batch, failure),
      },
      settings,
    );
  }
}
