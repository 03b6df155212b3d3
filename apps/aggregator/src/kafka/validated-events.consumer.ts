import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KAFKA, LOGGER, ManagedBatchConsumer, SETTINGS } from '@tthc/infrastructure';
import { readNextOffsets } from '@tthc/persistence';
import type { Logger } from '@tthc/platform';
import type { AggregatorSettings } from '../aggregator.settings';
import { DossierBatchHandler } from '../dossier-batch.handler';
import { LiveSnapshotPublisher } from '../live-snapshot.publisher';

/** Adapter: `tthc.dossier.validated` batches → DossierBatchHandler, resuming from offsets in PostgreSQL. */
@Injectable()
export class ValidatedEventsConsumer extends ManagedBatchConsumer {
  constructor(
    handler: DossierBatchHandler,
    live: LiveSnapshotPublisher,
    dataSource: DataSource,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SETTINGS) settings: AggregatorSettings,
    @Inject(LOGGER) logger: Logger,
  ) {
    super(
      {
        kafka,
        logger,
        groupId: settings.AGGREGATOR_GROUP_ID,
        topic: settings.TOPIC_VALIDATED,
        partitionsConsumedConcurrently: settings.AGGREGATOR_PARTITIONS_CONCURRENTLY,
        readStoredOffsets: () => readNextOffsets(dataSource, settings.AGGREGATOR_GROUP_ID, settings.TOPIC_VALIDATED),
        handleBatch: async (batch) => live.markDirty(await handler.handle(batch)),
        deadLetter: (batch, failure) => handler.deadLetter(batch, failure),
      },
      settings,
    );
  }
}
