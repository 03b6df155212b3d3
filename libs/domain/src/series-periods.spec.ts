import { seriesPeriods, rangeEndInstant } from './series-periods';

const NOW = Date.parse('2025-07-31T12:00:00+07:00');
const strip = (ps: ReturnType<typeof seriesPeriods>) => ps.map(({ label, from, to }) => [label, from, to]);

describe('seriesPeriods', () => {
  it('splits a range into days', () => {
    expect(strip(seriesPeriods('2025-06-30', '2025-07-02', 'day', NOW))).toEqual([
      ['2025-06-30', '2025-06-30', '2025-06-30'],
      ['2025-07-01', '2025-07-01', '2025-07-01'],
      ['2025-07-02', '2025-07-02', '2025-07-02'],
    ]);
  });

  it('clips the first and last month to the range', () => {
    expect(strip(seriesPeriods('2025-05-15', '2025-07-10', 'month', NOW))).toEqual([
      ['2025-05', '2025-05-15', '2025-05-31'],
      ['2025-06', '2025-06-01', '2025-06-30'],
      ['2025-07', '2025-07-01', '2025-07-10'],
    ]);
  });

  it('runs quarters across a year end', () => {
    const later = Date.parse('2026-06-01T00:00:00+07:00');
    expect(strip(seriesPeriods('2025-08-01', '2026-03-31', 'quarter', later))).toEqual([
      ['2025-Q3', '2025-08-01', '2025-09-30'],
      ['2025-Q4', '2025-10-01', '2025-12-31'],
      ['2026-Q1', '2026-01-01', '2026-03-31'],
    ]);
  });

  it('covers years, and February of a leap year by month', () => {
    const later = Date.parse('2030-01-01T00:00:00+07:00');
    expect(strip(seriesPeriods('2024-02-01', '2025-12-31', 'year', later))).toEqual([
      ['2024', '2024-02-01', '2024-12-31'],
      ['2025', '2025-01-01', '2025-12-31'],
    ]);
    expect(strip(seriesPeriods('2024-02-01', '2024-03-31', 'month', later))[0]).toEqual(['2024-02', '2024-02-01', '2024-02-29']);
  });

  it('starts each period at local midnight and judges a finished one at its last millisecond', () => {
    const [june] = seriesPeriods('2025-06-01', '2025-06-30', 'month', NOW);
    expect(new Date(june.start).toISOString()).toBe('2025-05-31T17:00:00.000Z');
    expect(new Date(june.at).toISOString()).toBe('2025-06-30T16:59:59.999Z');
  });

  it('judges the running period at now and leaves out periods not begun', () => {
    const ps = seriesPeriods('2025-07-30', '2025-08-02', 'day', NOW);
    expect(ps.map((p) => p.label)).toEqual(['2025-07-30', '2025-07-31']);
    expect(ps[1].at).toBe(NOW);
    expect(rangeEndInstant('2025-07-30', NOW)).toBe(Date.parse('2025-07-30T23:59:59.999+07:00'));
  });
});
