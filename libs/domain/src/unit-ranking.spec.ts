import { rankAscending } from './unit-ranking';

const row = (unitCode: string, onlineRate: number | null, onTimeRate: number | null = null, progressRate766: number | null = null) => ({
  unitCode,
  onlineRate,
  onTimeRate,
  progressRate766,
});

describe('rankAscending', () => {
  it('puts the weakest first, units without a rate last, ties by unit code', () => {
    const ranked = rankAscending([row('3', 0.9), row('1', null), row('4', 0.5), row('2', 0.5), row('0', null)], 'onlineRate');
    expect(ranked.map((r) => [r.rank, r.unitCode])).toEqual([
      [1, '2'],
      [2, '4'],
      [3, '3'],
      [4, '0'],
      [5, '1'],
    ]);
  });

  it('ranks by the metric asked for', () => {
    const ranked = rankAscending([row('a', 0.1, 0.9, 0.2), row('b', 0.9, 0.1, 0.3)], 'progressRate766');
    expect(ranked.map((r) => r.unitCode)).toEqual(['a', 'b']);
    expect(rankAscending([row('a', 0.1, 0.9), row('b', 0.9, 0.1)], 'onTimeRate').map((r) => r.unitCode)).toEqual(['b', 'a']);
  });
});
