import { type DayCounters, sumCounters, zeroCounters } from './day-counters';
import { formatPercentVi } from './percent-format';
import { onlineRate, onTimeRate, ratio } from './rates';

const counters = (c: Partial<DayCounters>): DayCounters => ({ ...zeroCounters(), ...c });

describe('ratio', () => {
  it.each([
    [1, 2, 0.5],
    [0, 5, 0],
    [5, 5, 1],
    [1, 4, 0.25],
    [3, 8, 0.375],
    [0, 0, null],
    [7, 0, null],
  ])('%d / %d → %p', (n, d, expected) => {
    expect(ratio(n, d)).toBe(expected);
  });
});

describe('onlineRate', () => {
  it.each([
    ['no receipts', counters({}), null],
    ['all online', counters({ receivedTotal: 4, receivedOnline: 4 }), 1],
    ['all direct', counters({ receivedTotal: 4, receivedDirect: 4 }), 0],
    ['3 of 4 online', counters({ receivedTotal: 4, receivedOnline: 3, receivedDirect: 1 }), 0.75],
    ['resolutions do not matter', counters({ resolvedTotal: 9, resolvedOnTime: 9 }), null],
  ])('%s → %p', (_name, c, expected) => {
    expect(onlineRate(c)).toBe(expected);
  });
});

describe('onTimeRate', () => {
  it.each([
    ['no resolutions', counters({}), null],
    ['all on time', counters({ resolvedTotal: 2, resolvedOnTime: 2 }), 1],
    ['all late', counters({ resolvedTotal: 2, resolvedLate: 2 }), 0],
    ['1 of 8 on time', counters({ resolvedTotal: 8, resolvedOnTime: 1, resolvedLate: 7 }), 0.125],
    ['receipts do not matter', counters({ receivedTotal: 9, receivedOnline: 9 }), null],
  ])('%s → %p', (_name, c, expected) => {
    expect(onTimeRate(c)).toBe(expected);
  });
});

describe('a longer period’s rate comes from summed counters, never from averaged day rates', () => {
  const day1 = counters({ receivedTotal: 1, receivedOnline: 1 }); // 100 %
  const day2 = counters({ receivedTotal: 3, receivedOnline: 1, receivedDirect: 2 }); // 33.33 %

  it('two days, 1/1 and 1/3 online → 2/4 = 0.5 for the month (not the 0.6667 mean of rates)', () => {
    const month = sumCounters([day1, day2]);
    expect(month).toEqual(counters({ receivedTotal: 4, receivedOnline: 2, receivedDirect: 2 }));
    expect(onlineRate(month)).toBe(0.5);
    expect(onlineRate(month)).not.toBeCloseTo((1 + 1 / 3) / 2, 3);
    expect(formatPercentVi(onlineRate(month))).toBe('50,00%');
  });

  it('a day with nothing received does not dilute the rate (null day rates are not zeros)', () => {
    const month = sumCounters([day1, zeroCounters(), day2, counters({ resolvedTotal: 2, resolvedOnTime: 1, resolvedLate: 1 })]);
    expect(onlineRate(month)).toBe(0.5);
    expect(onTimeRate(month)).toBe(0.5);
  });

  it('sumCounters of nothing is all zeros and has null rates', () => {
    const none = sumCounters([]);
    expect(none).toEqual(counters({}));
    expect(onlineRate(none)).toBeNull();
    expect(onTimeRate(none)).toBeNull();
  });
});
