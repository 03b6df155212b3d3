import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: open dossiers indexed by unit and by the instant they become overdue, so the live
 * overdue gauge (`countOverdueOpenNow`, run by every live-snapshot recompute and by the notifier's
 * tick) is a range scan of the dossiers that are overdue instead of a read of every open dossier
 * of its units: after a quarter of history that read was ~75–100 ms of each recompute, nationally
 * ~0.4 s (BENCHMARKS.md).
 *
 * The key is libs/persistence `OVERDUE_FROM_UTC` (copied here as it was when this migration was
 * written: a migration must not change after it ran), the overdue rule's instant as UTC wall
 * time, because PostgreSQL indexes only immutable expressions and `timestamptz + interval` is not
 * one. Partial on `resolved_at IS NULL`: a resolution takes the dossier out of the index.
 *
 * An existing deployment's upgrade builds the index in the migration's transaction, holding
 * writes to `dossiers` for as long as that takes; run it between replays, or build it beforehand
 * with CREATE INDEX CONCURRENTLY under the same name.
 */
export class OpenOverdueIndex1764900000100 implements MigrationInterface {
  name = 'OpenOverdueIndex1764900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX IF NOT EXISTS dossiers_open_overdue_idx ON dossiers (unit_code,
        (GREATEST((COALESCE(received_at, late_flagged_at) AT TIME ZONE 'UTC'), LEAST(COALESCE((late_flagged_at AT TIME ZONE 'UTC'), 'infinity'::timestamp), (COALESCE(receipt_due_at, late_due_at) AT TIME ZONE 'UTC') + interval '1 millisecond'))))
       WHERE resolved_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS dossiers_open_overdue_idx`);
  }
}
