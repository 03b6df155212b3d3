import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: every event writes a raw-log row and a dossier row, and each B-tree on those tables
 * is paid on every write (storage.bench.ts: PostgreSQL CPU per event). Indexes kept for what
 * reads them, and made cheap where the read is a range audit:
 * - raw_events (unit_code, occurred_at) and (due_at) B-trees → BRIN on occurred_at and due_at:
 *   the log is appended in roughly event-time order, so a block range summary finds a period's
 *   rows for `verify`/`replay` at a fraction of a B-tree's upkeep;
 * - dossiers (received_at): read by no query (received_at only appears inside COALESCE) → dropped;
 * - dossiers (unit_code) WHERE resolved_at IS NULL and (resolved_at) → one (resolved_at, unit_code):
 *   `resolved_at IS NULL AND unit_code = ANY(…)` (open dossiers now) and `resolved_at > T`
 *   (dossiers open at a past instant) both read it.
 */
export class WritePathIndexes1764500000000 implements MigrationInterface {
  name = 'WritePathIndexes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS raw_events_unit_occurred_idx`);
    await q.query(`DROP INDEX IF EXISTS raw_events_due_at_idx`);
    await q.query(`CREATE INDEX IF NOT EXISTS raw_events_occurred_brin ON raw_events USING brin (occurred_at) WITH (pages_per_range = 32)`);
    await q.query(`CREATE INDEX IF NOT EXISTS raw_events_due_brin ON raw_events USING brin (due_at) WITH (pages_per_range = 32)`);
    await q.query(`DROP INDEX IF EXISTS dossiers_received_idx`);
    await q.query(`DROP INDEX IF EXISTS dossiers_open_idx`);
    await q.query(`DROP INDEX IF EXISTS dossiers_resolved_at_idx`);
    await q.query(`CREATE INDEX IF NOT EXISTS dossiers_resolved_unit_idx ON dossiers (resolved_at, unit_code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS dossiers_resolved_unit_idx`);
    await q.query(`CREATE INDEX IF NOT EXISTS dossiers_resolved_at_idx ON dossiers (resolved_at)`);
    await q.query(`CREATE INDEX IF NOT EXISTS dossiers_open_idx ON dossiers (unit_code) WHERE resolved_at IS NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS dossiers_received_idx ON dossiers (received_at)`);
    await q.query(`DROP INDEX IF EXISTS raw_events_due_brin`);
    await q.query(`DROP INDEX IF EXISTS raw_events_occurred_brin`);
    await q.query(`CREATE INDEX IF NOT EXISTS raw_events_due_at_idx ON raw_events (due_at)`);
    await q.query(`CREATE INDEX IF NOT EXISTS raw_events_unit_occurred_idx ON raw_events (unit_code, occurred_at)`);
  }
}
