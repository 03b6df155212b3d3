import { randomBytes } from 'node:crypto';
import { DataSource, type MigrationInterface } from 'typeorm';
import { dataSourceOptions, runMigrations } from '@tthc/persistence';

/**
 * A fresh PostgreSQL schema with every migration applied, for integration specs that exercise
 * repositories and handlers on the real database (DATABASE_URL, as the e2e setup provides it).
 */
export class ScratchDatabase {
  private constructor(
    readonly schema: string,
    readonly dataSource: DataSource,
  ) {}

  static async create(): Promise<ScratchDatabase> {
    const schema = `int_${randomBytes(4).toString('hex')}`;
    await runMigrations(process.env.DATABASE_URL!, schema);
    const ds = await new DataSource(dataSourceOptions(process.env.DATABASE_URL!, { schema, poolSize: 4, appName: 'tthc-int-spec' })).initialize();
    return new ScratchDatabase(schema, ds);
  }

  /** Runs one migration's `up` or `down` on this schema (migration specs step back and forth). */
  async migrate(migration: MigrationInterface, step: 'up' | 'down'): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await migration[step](runner);
    } finally {
      await runner.release();
    }
  }

  query<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return this.dataSource.query(text, params);
  }

  async close(): Promise<void> {
    await this.dataSource.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    await this.dataSource.destroy();
  }
}
