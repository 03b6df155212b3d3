import type { MigrationInterface, QueryRunner } from 'typeorm';
import { REBUILD_GAUGE_CHANGES_FROM_DOSSIERS } from '../gauge-changes.sql';

/**
 * Per unit and local day, how the open and overdue gauges changed (libs/domain `DayGaugeChanges`):
 * the 766 rate of a past period then needs a prefix sum over day rows instead of a pass over every
 * dossier of the period (a province's one-year series took 2–3 s; BENCHMARKS.md). Backfilled
 * from `dossiers`, so existing data is right from the first query.
 *
 * raw_events (due_at): a dossier whose deadline passes inside a period changes that period's
 * overdue gauge without any event in it; verify and replay find such dossiers through this index.
 */
export class DayGaugeChanges1763900000003 implements MigrationInterface {
  name = 'DayGaugeChanges1763900000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE unit_daily_counters
        ADD COLUMN open_change    integer NOT NULL DEFAULT 0,
        ADD COLUMN overdue_change integer NOT NULL DEFAULT 0`);
    await q.query(REBUILD_GAUGE_CHANGES_FROM_DOSSIERS);
    await q.query(`CREATE INDEX IF NOT EXISTS raw_events_due_at_idx ON raw_events (due_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS raw_events_due_at_idx`);
    await q.query(`ALTER TABLE unit_daily_counters DROP COLUMN open_change, DROP COLUMN overdue_change`);
  }
}
