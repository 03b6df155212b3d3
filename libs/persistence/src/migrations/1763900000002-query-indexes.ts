import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes the read side found missing under load (BENCHMARKS.md, "API under load"):
 * - dossiers (resolved_at): the 766 and overdue queries read only dossiers resolved in or after
 *   a period's start, or still open; without it every call scanned the whole table.
 * - raw_events (unit_code, dossier_id): verify and replay fetch a dossier's whole history.
 */
export class QueryIndexes1763900000002 implements MigrationInterface {
  name = 'QueryIndexes1763900000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS dossiers_resolved_at_idx ON dossiers (resolved_at)`);
    await q.query(`CREATE INDEX IF NOT EXISTS raw_events_dossier_idx ON raw_events (unit_code, dossier_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS raw_events_dossier_idx`);
    await q.query(`DROP INDEX IF EXISTS dossiers_resolved_at_idx`);
  }
}
