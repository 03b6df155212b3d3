import { DataSource, type DataSourceOptions } from 'typeorm';
import { InitialSchema1763900000000 } from './migrations/1763900000000-initial-schema';
import { Alerting1763900000001 } from './migrations/1763900000001-alerting';
import { QueryIndexes1763900000002 } from './migrations/1763900000002-query-indexes';
import { DayGaugeChanges1763900000003 } from './migrations/1763900000003-day-gauge-changes';
import { ExportLog1763900000100 } from './migrations/1763900000100-export-log';
import { StorageRejections1764400000000 } from './migrations/1764400000000-storage-rejections';
import { WritePathIndexes1764500000000 } from './migrations/1764500000000-write-path-indexes';
import { GroupedNotifications1764600000200 } from './migrations/1764600000200-grouped-notifications';
import { Indicators7661764700000000 } from './migrations/1764700000000-indicators-766';
import { Procedures1764700000100 } from './migrations/1764700000100-procedures';
import { HotCounterUpdates1764800000000 } from './migrations/1764800000000-hot-counter-updates';
import { DossierBatchEntry1764900000000 } from './migrations/1764900000000-dossier-batch-entry';
import { OverdueOpenIndex1765000000000 } from './migrations/1765000000000-overdue-open-index';
import { SourceBatchEntry1765100000000 } from './migrations/1765100000000-source-batch-entry';
import { UnitVersions1765200000000 } from './migrations/1765200000000-unit-versions';

export const MIGRATIONS = [
  InitialSchema1763900000000,
  Alerting1763900000001,
  QueryIndexes1763900000002,
  DayGaugeChanges1763900000003,
  ExportLog1763900000100,
  StorageRejections1764400000000,
  WritePathIndexes1764500000000,
  GroupedNotifications1764600000200,
  Indicators7661764700000000,
  Procedures1764700000100,
  HotCounterUpdates1764800000000,
  DossierBatchEntry1764900000000,
  OverdueOpenIndex1765000000000,
  SourceBatchEntry1765100000000,
  UnitVersions1765200000000,
];

/** Every wait on PostgreSQL has a bound (issue 10); each app chooses its own (settings DB_*_MS). */
export interface DatabaseTimeouts {
  /** `statement_timeout`: the longest any one statement may run; 0 turns it off (migrations). */
  statementTimeoutMs: number;
  /** `lock_timeout`: the longest a statement waits for a lock, advisory locks included. */
  lockTimeoutMs: number;
  /** Connecting, and waiting for a free connection when the pool is full (pg-pool's connectionTimeoutMillis). */
  connectTimeoutMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { statementTimeoutMs: 60_000, lockTimeoutMs: 10_000, connectTimeoutMs: 5_000 };

/**
 * TypeORM options for every app. Schema changes go through migrations only; `synchronize` is
 * never on. `schema` lets tests isolate themselves in a fresh PostgreSQL schema.
 */
export function dataSourceOptions(databaseUrl: string, opts: { schema?: string; poolSize?: number; appName?: string; timeouts?: DatabaseTimeouts } = {}): DataSourceOptions {
  const timeouts = opts.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
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
      // Sent in the startup packet, so they hold for every statement on every pooled connection.
      statement_timeout: timeouts.statementTimeoutMs,
      lock_timeout: timeouts.lockTimeoutMs,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
      // The search_path makes raw SQL land in the same schema as the migrations.
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    },
  };
}

export async function runMigrations(databaseUrl: string, schema?: string): Promise<string[]> {
  // A migration may legitimately run long (an index on a big table), but must not queue forever behind a lock.
  const timeouts = { statementTimeoutMs: 0, lockTimeoutMs: 60_000, connectTimeoutMs: 10_000 };
  const ds = new DataSource(dataSourceOptions(databaseUrl, { schema, poolSize: 1, appName: 'tthc-migrate', timeouts }));
  await ds.initialize();
  try {
    if (schema) await ds.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
