import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { loadUnitCatalogue } from '@tthc/catalogue';
import { type CommonSettings, topicReplication } from '@tthc/config';
import { ensureTopics, topicSpecs } from '@tthc/messaging';
import { dataSourceOptions, ensureDatabase, runMigrations, upsertUnits } from '@tthc/persistence';

export interface ProvisionReport {
  migrations: string[];
  units: number;
  topicsCreated: string[];
}

/**
 * Everything the apps expect to exist, made idempotently: the database, its schema (migrations),
 * the unit catalogue, and the Kafka topics with explicit partition counts.
 */
export async function provision(settings: CommonSettings, kafka: Kafka, schema?: string): Promise<ProvisionReport> {
  await ensureDatabase(settings.DATABASE_URL);
  const migrations = await runMigrations(settings.DATABASE_URL, schema);

  const units = loadUnitCatalogue(settings.PROVINCE_CODE);
  const ds = await new DataSource(dataSourceOptions(settings.DATABASE_URL, { schema, poolSize: 1, appName: 'tthc-provision' })).initialize();
  try {
    await upsertUnits(ds, units);
  } finally {
    await ds.destroy();
  }

  const admin = kafka.admin();
  await admin.connect();
  try {
    const topicsCreated = await ensureTopics(
      admin,
      topicSpecs(
        {
          events: settings.TOPIC_EVENTS,
          validated: settings.TOPIC_VALIDATED,
          dlq: settings.TOPIC_DLQ,
          unitMetrics: settings.TOPIC_UNIT_METRICS,
          alerts: settings.TOPIC_ALERTS,
        },
        { partitions: settings.TOPIC_PARTITIONS, ...topicReplication(settings) },
      ),
    );
    return { migrations, units: units.length, topicsCreated };
  } finally {
    await admin.disconnect();
  }
}
