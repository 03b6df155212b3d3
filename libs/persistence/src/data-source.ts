import { DataSource, type DataSourceOptions } from 'typeorm';
import { InitialSchema1763900000000 } from './migrations/1763900000000-initial-schema';
import { Alerting1763900000001 } from './migrations/1763900000001-alerting';
import { QueryIndexes1763900000002 } from './migrations/1763900000002-query-indexes';
import { DayGaugeChanges1763900000003 } from './migrations/1763900000003-day-gauge-changes';
import { StorageRejections1764400000000 } from './migrations/1764400000000-storage-rejections';

export const MIGRATIONS = [
  InitialSchema1763900000000, Alerting1763900000001, QueryIndexes1763900000002, DayGaugeChanges1763900000003,
  StorageRejections1764400000000,
];

/**
 * TypeORM options for every app. Schema changes go through migrations only; `synchronize` is
 * never on. `schema` lets tests isolate themselves in a fresh PostgreSQL schema.
 */
export function dataSourceOptions(databaseUrl: string, opts: { schema?: string; poolSize?: number; appName?: string } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    schema: opts.schema,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    entities: [],
    extra: {
      max: opts.poolSize ?? 10,
      application_name: opts.appName ?? 'tthc-monitor',
      // The search_path makes raw SQL land in the same schema as the migrations.
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    },
  };
}

export async function runMigrations(databaseUrl: string, schema?: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(databaseUrl, { schema, poolSize: 1, appName: 'tthc-migrate' }));
  await ds.initialize();
  try {
    if (schema) await ds.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
