import type { UnitSnapshot } from '@tthc/contracts';
import { SnapshotRegressionCounter } from './snapshot-regressions';

describe('SnapshotRegressionCounter', () => {
  /** A snapshot with `today`, `monthToDate` and `rolling30d` receipts; `day` is today's local date. */
  const snap = (unitCode: string, asOf: string, [today, month, rolling]: [number, number, number], day = '2026-12-02'): UnitSnapshot =>
    ({
      unitCode,
      asOf,
      today: { from: day, to: day, receivedTotal: today },
      monthToDate: { from: `${day.slice(0, 8)}01`, to: day, receivedTotal: month },
      rolling30d: { from: '2026-11-03', to: day, receivedTotal: rolling },
      overdueOpen: 0,
    }) as unknown as UnitSnapshot;
  const count = (snapshots: UnitSnapshot[]) => {
    const c = new SnapshotRegressionCounter();
    snapshots.forEach((s) => c.add(s));
    return c.result();
  };

  it.each([
    ['receipts that only grow', [snap('A', 't1', [1, 5, 9]), snap('A', 't2', [2, 6, 10]), snap('A', 't3', [2, 6, 10])], { today: 0, monthToDate: 0, rolling30d: 0 }],
    ['an older computation after a newer one', [snap('A', 't2', [2, 6, 10]), snap('A', 't1', [1, 5, 9])], { today: 1, monthToDate: 1, rolling30d: 1 }],
    ['one window back, the others not', [snap('A', 't1', [3, 5, 9]), snap('A', 't2', [2, 6, 10])], { today: 1, monthToDate: 0, rolling30d: 0 }],
    ['a new day: today starts again from nothing', [snap('A', 't1', [40, 60, 90]), { ...snap('A', 't2', [0, 60, 90], '2026-12-03') }], { today: 0, monthToDate: 0, rolling30d: 0 }],
    [
      'each unit against its own last snapshot',
      [snap('A', 't1', [5, 5, 5]), snap('B', 't1', [1, 1, 1]), snap('A', 't2', [6, 6, 6]), snap('B', 't2', [2, 2, 2])],
      { today: 0, monthToDate: 0, rolling30d: 0 },
    ],
    [
      'units interleaved, one of them back',
      [snap('A', 't1', [5, 5, 5]), snap('B', 't1', [1, 1, 1]), snap('B', 't0', [0, 0, 0]), snap('A', 't2', [6, 6, 6])],
      { today: 1, monthToDate: 1, rolling30d: 1 },
    ],
  ])('%s', (_name, snapshots, wentBack) => {
    expect(count(snapshots).wentBack).toEqual(wentBack);
  });

  it('counts snapshots and units, and names the first regressions with both computation instants', () => {
    const r = count([snap('A', 't2', [2, 6, 10]), snap('B', 't1', [1, 1, 1]), snap('A', 't1', [1, 6, 10])]);
    expect(r).toMatchObject({ snapshots: 3, units: 2 });
    expect(r.first).toEqual([{ unitCode: 'A', window: 'today', from: 2, to: 1, beforeAsOf: 't2', asOf: 't1' }]);
  });
});
