import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { loadSampleProcedures, loadUnitCatalogue } from '@tthc/catalogue';
import { type CommonSettings, topicReplication } from '@tthc/config';
import { ensureTopics, topicSpecs } from '@tthc/messaging';
import { dataSourceOptions, ensureDatabase, runMigrations, upsertProcedures, upsertUnits } from '@tthc/persistence';

export interface ProvisionReport {
  migrations: string[];
  units: number;
  /** Sample procedures added to the catalogue this time (0 once seeded: a loaded catalogue is never overwritten). */
  proceduresSeeded: number;
  topicsCreated: string[];
}

/**
 * Everything the apps expect to exist, made idempotently: the database, its schema (migrations),
 * the unit catalogue, the sample procedure catalogue (issue 15; codes already present keep what
 * `procedures load` gave them), and the Kafka topics with explicit partition counts.
 */
export async function provision(settings: CommonSettings, kafka: Kafka, schema?: string): Promise<ProvisionReport> {
  await ensureDatabase(settings.DATABASE_URL);
  const migrations = await runMigrations(settings.DATABASE_URL, schema);

  const units = loadUnitCatalogue(settings.PROVINCE_CODE);
  const ds = await new DataSource(dataSourceOptions(settings.DATABASE_URL, { schema, poolSize: 1, appName: 'tthc-provision' })).initialize();
  let proceduresSeeded: number;
  try {
    await upsertUnits(ds, units);
    proceduresSeeded = (await upsertProcedures(ds, loadSampleProcedures(), 'keep')).inserted;
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
    return { migrations, units: units.length, proceduresSeeded, topicsCreated };
  } finally {
    await admin.disconnect();
  }
}
