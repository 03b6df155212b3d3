import { zeroDayFacts } from './day-counters';
import { diffDayCounters } from './counter-diff';

const row = (unitCode: string, day: string, over: Partial<ReturnType<typeof zeroDayFacts>> = {}) => ({ unitCode, day, ...zeroDayFacts(), ...over });

describe('diffDayCounters', () => {
  it('is empty when both sides agree, whatever the row order', () => {
    const a = [row('28756', '2025-07-01', { receivedTotal: 2, receivedOnline: 1, receivedDirect: 1 }), row('28777', '2025-07-02', { resolvedTotal: 1, resolvedLate: 1 })];
    expect(diffDayCounters(a, [...a].reverse())).toEqual([]);
  });

  it('names each differing field with both values', () => {
    const expected = [row('28756', '2025-07-01', { receivedTotal: 2, receivedOnline: 1, receivedDirect: 1 })];
    const actual = [row('28756', '2025-07-01', { receivedTotal: 3, receivedOnline: 2, receivedDirect: 1 })];
    expect(diffDayCounters(expected, actual)).toEqual([
      { unitCode: '28756', day: '2025-07-01', field: 'receivedTotal', expected: 2, actual: 3 },
      { unitCode: '28756', day: '2025-07-01', field: 'receivedOnline', expected: 1, actual: 2 },
    ]);
  });

  it('treats a row missing on one side as zeros', () => {
    expect(diffDayCounters([row('28756', '2025-07-01', { resolvedTotal: 1, resolvedOnTime: 1 })], [])).toEqual([
      { unitCode: '28756', day: '2025-07-01', field: 'resolvedTotal', expected: 1, actual: 0 },
      { unitCode: '28756', day: '2025-07-01', field: 'resolvedOnTime', expected: 1, actual: 0 },
    ]);
    expect(diffDayCounters([], [row('28777', '2025-07-09', { receivedTotal: 1, receivedDirect: 1 })])).toHaveLength(2);
  });
});
