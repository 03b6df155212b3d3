import type { UnitSnapshot, WindowFigures } from '@tthc/contracts';
import { zeroWindowCounts } from '@tthc/domain';
import { figuresFromSnapshot } from './snapshot-figures';

const figures = (from: string, to: string, receivedTotal: number): WindowFigures => ({
  from,
  to,
  ...zeroWindowCounts(),
  receivedTotal,
  receivedOnline: 1,
  receivedDirect: receivedTotal - 1,
  receivedV2: 2,
  fullyOnline: 1,
  onlineRate: 1 / receivedTotal,
  onTimeRate: null,
  fullyOnlineRate: 0.5,
});
const snapshot: UnitSnapshot = {
  unitCode: '28756',
  asOf: '2025-07-31T05:00:00.000Z',
  today: figures('2025-07-31', '2025-07-31', 2),
  monthToDate: figures('2025-07-01', '2025-07-31', 31),
  rolling30d: figures('2025-07-02', '2025-07-31', 30),
  overdueOpen: 4,
};

describe('figuresFromSnapshot', () => {
  it.each([
    ['rolling 30 days, as of the snapshot’s day', { name: 'rolling30d', from: '2025-07-02', to: '2025-07-31' }, 30],
    ['month to date', { name: 'monthToDate', from: '2025-07-01', to: '2025-07-31' }, 31],
    ['one rolling day is today', { name: 'rolling1d', from: '2025-07-31', to: '2025-07-31' }, 2],
    ['seven days: not carried', { name: 'rolling7d', from: '2025-07-25', to: '2025-07-31' }, undefined],
    ['quarter to date in the quarter’s first month: the month’s days', { name: 'quarterToDate', from: '2025-07-01', to: '2025-07-31' }, 31],
    ['30 days as of the next day: the snapshot is a day old', { name: 'rolling30d', from: '2025-07-03', to: '2025-08-01' }, undefined],
  ])('%s', (_name, span, receivedTotal) => {
    const { windows, missing } = figuresFromSnapshot(snapshot, [span]);
    expect(windows.get(span.name)?.receivedTotal).toBe(receivedTotal);
    expect(missing).toEqual(receivedTotal === undefined ? [span] : []);
  });

  it('gives counters only, not the snapshot’s bounds or rates', () => {
    const { windows } = figuresFromSnapshot(snapshot, [{ name: 'rolling30d', from: '2025-07-02', to: '2025-07-31' }]);
    expect(windows.get('rolling30d')).toEqual({ ...zeroWindowCounts(), receivedTotal: 30, receivedOnline: 1, receivedDirect: 29, receivedV2: 2, fullyOnline: 1 });
  });

  it('answers nothing from a window written before issue 15 (no v2 counts), so the store is read for it', () => {
    const { receivedV2: _v2, fullyOnline: _f, ...v1Only } = snapshot.rolling30d;
    const older = { ...snapshot, rolling30d: v1Only } as unknown as UnitSnapshot;
    const span = { name: 'rolling30d', from: '2025-07-02', to: '2025-07-31' };
    expect(figuresFromSnapshot(older, [span])).toEqual({ windows: new Map(), missing: [span] });
  });

  it('answers nothing from a snapshot that lacks a window', () => {
    const partial = { ...snapshot, rolling30d: undefined } as unknown as UnitSnapshot;
    const span = { name: 'rolling30d', from: '2025-07-02', to: '2025-07-31' };
    expect(figuresFromSnapshot(partial, [span])).toEqual({ windows: new Map(), missing: [span] });
  });
});
