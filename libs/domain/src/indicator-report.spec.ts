import { type PeriodIndicatorCounts, zeroPeriodIndicatorCounts } from './index-766/indicator-counts';
import { indicatorFigures, rankIndicatorRows, totalIndicatorFigures } from './indicator-report';

const counts = (c: Partial<PeriodIndicatorCounts>): PeriodIndicatorCounts => ({ ...zeroPeriodIndicatorCounts(), ...c });
const row = (key: string, c: Partial<PeriodIndicatorCounts>) => ({ key, ...indicatorFigures(counts(c)) });

describe('totalIndicatorFigures', () => {
  it('sums the counts and derives the rates from the sums, not from the rows’ rates', () => {
    // 9 of 10 fully online and 1 of 30: 10 / 40 = 25 %, not the mean of 90 % and 3.3 %.
    const total = totalIndicatorFigures([row('A', { receivedV2: 10, fullyOnline: 9 }), row('B', { receivedV2: 30, fullyOnline: 1 })]);
    expect(total.counts.receivedV2).toBe(40);
    expect(total.rates.fullyOnlineRate).toBe(0.25);
  });
});

describe('rankIndicatorRows', () => {
  const rows = [
    row('A', { receivedV2: 10, fullyOnline: 5, resolvedTotal: 10, resolvedOnTime: 10, resolvedLate: 0 }),
    row('B', { receivedV2: 10, fullyOnline: 9, resolvedTotal: 10, resolvedOnTime: 6, resolvedLate: 4 }),
    row('C', {}),
    row('D', { receivedV2: 10, fullyOnline: 9, resolvedTotal: 10, resolvedOnTime: 8, resolvedLate: 2 }),
  ];
  const order = (by: Parameters<typeof rankIndicatorRows>[1]) => rankIndicatorRows(rows, by).map((r) => `${r.rank}:${r.key}`);

  it('ranks a rate highest first, ties by key, rows without it last', () => {
    expect(order('fullyOnlineRate')).toEqual(['1:B', '2:D', '3:A', '4:C']);
  });

  it('ranks a figure where less is better lowest first', () => {
    expect(order('lateRate')).toEqual(['1:A', '2:D', '3:B', '4:C']);
  });

  it('ranks by the 766 total, a row with nothing measurable last rather than at 0 points', () => {
    const ranked = rankIndicatorRows(rows, 'score766');
    expect(ranked[ranked.length - 1].key).toBe('C');
    const totals = ranked.slice(0, 3).map((r) => r.score766.total);
    expect(totals).toEqual([...totals].sort((x, y) => y - x));
  });
});
