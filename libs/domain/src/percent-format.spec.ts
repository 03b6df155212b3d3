import { formatPercentPointsVi, formatPercentVi, percentPoints } from './percent-format';

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

describe('percentPoints', () => {
  it.each<[number, number]>([
    [57 / 800, 7.13], // the chart used to plot 7.12 for what the table showed as 7,13%
    [1 / 32, 3.13],
    [0.5166, 51.66],
    [1, 100],
    [0, 0],
    [2 / 3, 66.67],
  ])('%p → %p', (rate, expected) => {
    expect(percentPoints(rate)).toBe(expected);
  });

  it('is what formatPercentVi shows, for every n/800', () => {
    for (let n = 0; n <= 800; n++) expect(formatPercentVi(n / 800)).toBe(formatPercentPointsVi(percentPoints(n / 800)));
  });
});
