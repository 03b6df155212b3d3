import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: the live overdue gauge read every open dossier of the units it counts. The instant a
 * dossier becomes overdue while open (`overdueFrom` in overdue-rule.sql.ts) was an expression over
 * four columns, so `countOverdueOpenNow` had to visit the heap row of each open dossier to
 * evaluate it: after a province-quarter, 93,000 open rows (and the dead versions of resolved
 * ones) for the 7,000 that are overdue, 60–650 ms of a live flush; 27 times that for a nation.
 *
 * Now that instant is a stored column, and a partial B-tree over the open dossiers orders each
 * unit's by it: the gauge reads the index range `unit_code = u AND overdue_from <= now`, the
 * overdue ones only.
 *
 * The column is generated, so every writer (the aggregator, an audit replay, a hand repair) keeps
 * it right without knowing of it. PostgreSQL requires an immutable generation expression, and
 * `timestamptz + interval` is only stable (a day or month interval depends on the time zone); a
 * millisecond does not, so the function below is immutable in fact and says so. It is
 * overdue-rule.sql.ts's `overdueFrom(DOSSIERS_TABLE)` written out (a migration stays as it was
 * run), and test/overdue-rule.e2e-spec.ts checks that the two agree on arbitrary dossiers.
 *
 * The range holds the dead versions of dossiers resolved since the last VACUUM, and the index-only
 * scan needs the visibility map, so the gauge stays cheap as long as vacuum keeps up: after a
 * province-quarter, 2–3 ms vacuumed against 36–47 ms with the replay's dead versions in place
 * (the old query: 42–61 ms either way; BENCHMARKS.md). The table is mostly updated (every
 * resolution is an update), so autovacuum visits it at 2% of its rows changed instead of 20%.
 *
 * Adding a stored generated column rewrites the table once, under its exclusive lock: seconds for
 * a province's year of dossiers; a deployment with tens of millions of rows schedules it.
 */
export class OverdueOpenIndex1765000000000 implements MigrationInterface {
  name = 'OverdueOpenIndex1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION tthc_overdue_from(received_at timestamptz, late_flagged_at timestamptz, receipt_due_at timestamptz, late_due_at timestamptz)
      RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT GREATEST(COALESCE(received_at, late_flagged_at),
                        LEAST(COALESCE(late_flagged_at, 'infinity'::timestamptz), (COALESCE(receipt_due_at, late_due_at) + interval '1 millisecond')))
      $$`);
    await q.query(`
      ALTER TABLE dossiers ADD COLUMN overdue_from timestamptz
        GENERATED ALWAYS AS (tthc_overdue_from(received_at, late_flagged_at, receipt_due_at, late_due_at)) STORED`);
    await q.query(`CREATE INDEX dossiers_overdue_open_idx ON dossiers (unit_code, overdue_from) WHERE resolved_at IS NULL`);
    await q.query(`ALTER TABLE dossiers SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dossiers RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor)`);
    await q.query(`DROP INDEX IF EXISTS dossiers_overdue_open_idx`);
    await q.query(`ALTER TABLE dossiers DROP COLUMN IF EXISTS overdue_from`);
    await q.query(`DROP FUNCTION IF EXISTS tthc_overdue_from(timestamptz, timestamptz, timestamptz, timestamptz)`);
  }
}
