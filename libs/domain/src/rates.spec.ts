import { type DayCounters, sumCounters, zeroCounters } from './day-counters';
import { formatPercentVi, onlineRate, onTimeRate, ratio } from './rates';

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

describe('formatPercentVi', () => {
  it.each<[number | null, string]>([
    [0.5166, '51,66%'],
    [1, '100,00%'],
    [0, '0,00%'],
    [0.5, '50,00%'],
    [0.8, '80,00%'],
    [1 / 3, '33,33%'],
    [2 / 3, '66,67%'],
    [0.12344, '12,34%'],
    [0.12346, '12,35%'],
    [1 / 32, '3,13%'], // 3.125 % exactly: half rounds up
    [1 / 160, '0,63%'], // 0.625 % exactly
    [57 / 800, '7,13%'], // 7.125 % exactly: 57 of 800 dossiers
    [null, '—'],
  ])('%p → %s', (rate, expected) => {
    expect(formatPercentVi(rate)).toBe(expected);
  });

  it('always shows two decimals after a comma, never a dot', () => {
    for (let n = 0; n <= 200; n++) {
      expect(formatPercentVi(n / 200)).toMatch(/^\d{1,3},\d{2}%$/);
    }
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
