import { type CounterDelta, type IndicatorDelta, zeroDayFacts, zeroIndicatorCounts } from '@tthc/domain';
import { ScratchDatabase } from '../../../../test/support/scratch-database';
import { applyIndicatorDeltas } from '../indicator-counters.repository';
import { applyCounterDeltas } from '../unit-counters.repository';
import { HotCounterUpdates1764800000000 } from './1764800000000-hot-counter-updates';

/**
 * Day rows updated in place (heap-only tuples, no index entry) once the migration gave their pages
 * room, on the real PostgreSQL; without it, no first update is.
 */
describe('migration HotCounterUpdates1764800000000 (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  const migration = new HotCounterUpdates1764800000000();
  const run = (step: 'up' | 'down') => db.migrate(migration, step);

  beforeAll(async () => {
    db = await ScratchDatabase.create();
  });
  afterAll(async () => {
    await db?.close();
  });

  const dayRows = (unitPrefix: string): CounterDelta[] =>
    Array.from({ length: 2000 }, (_, i) => ({ unitCode: `${unitPrefix}${i}`, day: '2026-11-29', counters: { ...zeroDayFacts(), receivedTotal: 1, receivedOnline: 1 } }));
  const indicatorRows = (unitPrefix: string): IndicatorDelta[] =>
    Array.from({ length: 2000 }, (_, i) => ({ unitCode: `${unitPrefix}${i}`, procedureCode: '1.001612', day: '2026-11-29', counts: { ...zeroIndicatorCounts(), receivedTotal: 1 } }));

  /**
   * Share of the updates PostgreSQL made HOT when a second batch adds to the day rows a first
   * batch created, as the pipeline's batches do. The mechanism, deterministically: a page written
   * full has no room for a row's next version; later on, pruning the dead versions in place frees
   * room on either setting, and the storage bench measures what the room is worth over many batches.
   */
  async function hotShareOfRepeatedUpserts(unitPrefix: string): Promise<{ days: number; indicators: number }> {
    await db.dataSource.transaction(async (tx) => {
      await applyCounterDeltas(tx, dayRows(unitPrefix));
      await applyIndicatorDeltas(tx, indicatorRows(unitPrefix));
    });
    return db.dataSource.transaction(async (tx) => {
      // Pending statistics of this backend: read before and after, the difference is this batch.
      const counts = async () => {
        const rows: { relname: string; n_tup_upd: string; n_tup_hot_upd: string }[] = await tx.query(
          `SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables
            WHERE relid IN ('unit_daily_counters'::regclass, 'unit_procedure_daily_indicators'::regclass)`,
        );
        return new Map(rows.map((r) => [r.relname, { updated: Number(r.n_tup_upd), hot: Number(r.n_tup_hot_upd) }]));
      };
      const before = await counts();
      await applyCounterDeltas(tx, dayRows(unitPrefix));
      await applyIndicatorDeltas(tx, indicatorRows(unitPrefix));
      const after = await counts();
      const share = (table: string) => {
        const updated = after.get(table)!.updated - (before.get(table)?.updated ?? 0);
        expect(updated).toBe(2000);
        return (after.get(table)!.hot - (before.get(table)?.hot ?? 0)) / updated;
      };
      return { days: share('unit_daily_counters'), indicators: share('unit_procedure_daily_indicators') };
    });
  }

  it('leaves room on a freshly written page for the next version of its day rows, which a full page has not', async () => {
    const after = await hotShareOfRepeatedUpserts('with-room-');
    expect(after.days).toBeGreaterThan(0.3);
    expect(after.indicators).toBeGreaterThan(0.3);

    await run('down');
    try {
      const before = await hotShareOfRepeatedUpserts('full-pages-');
      expect(before.days).toBeLessThan(0.05);
      expect(before.indicators).toBeLessThan(0.05);
    } finally {
      await run('up');
    }
  });
});
