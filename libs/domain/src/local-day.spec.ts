import fc from 'fast-check';
import { addDays, daysBetweenInclusive, endOfLocalDay, type Granularity, isLocalDate, localDayOf, periodLabel, periodStart, startOfLocalDay, startOfMonth, startOfQuarter } from './local-day';

const utc = (iso: string): number => Date.parse(iso);

describe('localDayOf (Asia/Ho_Chi_Minh, UTC+7)', () => {
  it.each([
    ['1 ms before local midnight', '2025-06-30T16:59:59.999Z', '2025-06-30'],
    ['exactly local midnight (17:00 UTC)', '2025-06-30T17:00:00.000Z', '2025-07-01'],
    ['UTC midnight is 07:00 local, same day', '2025-07-01T00:00:00.000Z', '2025-07-01'],
    ['23:30 local (16:30 UTC) is still the UTC date', '2025-07-01T16:30:00.000Z', '2025-07-01'],
    ['year boundary: local midnight of 1 Jan', '2025-12-31T17:00:00.000Z', '2026-01-01'],
    ['year boundary: 1 ms before', '2025-12-31T16:59:59.999Z', '2025-12-31'],
    ['leap day starts at 17:00 UTC on 28 Feb', '2028-02-28T17:00:00.000Z', '2028-02-29'],
    ['leap day ends at 17:00 UTC on 29 Feb', '2028-02-29T17:00:00.000Z', '2028-03-01'],
    ['non-leap year: 28 Feb → 1 Mar', '2025-02-28T17:00:00.000Z', '2025-03-01'],
    ['quarter boundary Q3→Q4', '2025-09-30T17:00:00.000Z', '2025-10-01'],
  ])('%s: %s → %s', (_name, iso, expected) => {
    expect(localDayOf(utc(iso))).toBe(expected);
  });
});

describe('startOfLocalDay / endOfLocalDay', () => {
  it.each([
    ['2025-07-01', '2025-06-30T17:00:00.000Z', '2025-07-01T17:00:00.000Z'],
    ['2026-01-01', '2025-12-31T17:00:00.000Z', '2026-01-01T17:00:00.000Z'],
    ['2028-02-29', '2028-02-28T17:00:00.000Z', '2028-02-29T17:00:00.000Z'],
    ['2025-03-01', '2025-02-28T17:00:00.000Z', '2025-03-01T17:00:00.000Z'],
  ])('%s starts at %s and ends (exclusive) at %s', (day, start, end) => {
    expect(startOfLocalDay(day)).toBe(utc(start));
    expect(endOfLocalDay(day)).toBe(utc(end));
  });

  it('every instant of a day maps back to that day; the end instant belongs to the next day', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const day = localDayOf(ms);
        expect(startOfLocalDay(day)).toBeLessThanOrEqual(ms);
        expect(endOfLocalDay(day)).toBeGreaterThan(ms);
        expect(endOfLocalDay(day) - startOfLocalDay(day)).toBe(86_400_000);
        expect(localDayOf(startOfLocalDay(day))).toBe(day);
        expect(localDayOf(endOfLocalDay(day) - 1)).toBe(day);
        expect(localDayOf(endOfLocalDay(day))).not.toBe(day);
      }),
      { numRuns: 300 },
    );
  });
});

describe('isLocalDate', () => {
  it.each([
    ['2025-07-01', true],
    ['2028-02-29', true],
    ['2024-02-29', true],
    ['2025-12-31', true],
    ['2025-02-28', true],
    ['2025-02-29', false],
    ['2025-02-30', false],
    ['2100-02-29', false],
    ['2025-13-01', false],
    ['2025-00-10', false],
    ['2025-04-31', false],
    ['2025-07-00', false],
    ['2025-7-1', false],
    ['2025-07-1', false],
    ['25-07-01', false],
    ['2025/07/01', false],
    ['2025-07-01T00:00:00Z', false],
    [' 2025-07-01', false],
    ['2025-07-01 ', false],
    ['', false],
    ['garbage', false],
  ])('%j → %s', (value, expected) => {
    expect(isLocalDate(value)).toBe(expected);
  });
});

describe('addDays', () => {
  it.each([
    ['2025-07-01', 1, '2025-07-02'],
    ['2025-07-01', -1, '2025-06-30'],
    ['2025-07-01', 0, '2025-07-01'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2028-02-29', 1, '2028-03-01'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-07-01', 30, '2025-07-31'],
    ['2025-07-31', -29, '2025-07-02'],
    ['2025-01-01', 365, '2026-01-01'],
    ['2028-01-01', 365, '2028-12-31'],
  ])('%s plus %i days → %s', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
  });
});

describe('daysBetweenInclusive', () => {
  it.each([
    ['2025-07-01', '2025-07-01', 1],
    ['2025-07-01', '2025-07-02', 2],
    ['2025-07-01', '2025-07-31', 31],
    ['2025-07-01', '2025-09-30', 92],
    ['2025-01-01', '2025-12-31', 365],
    ['2028-01-01', '2028-12-31', 366],
    ['2028-02-28', '2028-03-01', 3],
    ['2025-12-31', '2026-01-01', 2],
  ])('%s..%s → %d', (from, to, expected) => {
    expect(daysBetweenInclusive(from, to)).toBe(expected);
  });

  it('is consistent with addDays', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }), fc.integer({ min: 0, max: 2000 }), (d, n) => {
        const from = d.toISOString().slice(0, 10);
        expect(daysBetweenInclusive(from, addDays(from, n))).toBe(n + 1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('startOfMonth', () => {
  it.each([
    ['2025-07-01', '2025-07-01'],
    ['2025-07-31', '2025-07-01'],
    ['2028-02-29', '2028-02-01'],
    ['2025-12-15', '2025-12-01'],
  ])('%s → %s', (day, expected) => {
    expect(startOfMonth(day)).toBe(expected);
  });
});

describe('startOfQuarter', () => {
  it.each([
    ['2025-01-15', '2025-01-01'],
    ['2025-02-28', '2025-01-01'],
    ['2025-03-31', '2025-01-01'],
    ['2025-04-01', '2025-04-01'],
    ['2025-05-20', '2025-04-01'],
    ['2025-06-30', '2025-04-01'],
    ['2025-07-01', '2025-07-01'],
    ['2025-08-31', '2025-07-01'],
    ['2025-09-30', '2025-07-01'],
    ['2025-10-01', '2025-10-01'],
    ['2025-11-11', '2025-10-01'],
    ['2025-12-31', '2025-10-01'],
    ['2028-02-29', '2028-01-01'],
  ])('%s → %s', (day, expected) => {
    expect(startOfQuarter(day)).toBe(expected);
  });
});

describe('periodStart and periodLabel', () => {
  it.each<[string, Granularity, string, string]>([
    ['2025-08-15', 'day', '2025-08-15', '2025-08-15'],
    ['2025-08-15', 'month', '2025-08-01', '2025-08'],
    ['2025-08-15', 'quarter', '2025-07-01', '2025-Q3'],
    ['2025-08-15', 'year', '2025-01-01', '2025'],
    ['2025-01-01', 'quarter', '2025-01-01', '2025-Q1'],
    ['2025-03-31', 'quarter', '2025-01-01', '2025-Q1'],
    ['2025-04-01', 'quarter', '2025-04-01', '2025-Q2'],
    ['2025-06-30', 'quarter', '2025-04-01', '2025-Q2'],
    ['2025-09-30', 'quarter', '2025-07-01', '2025-Q3'],
    ['2025-10-01', 'quarter', '2025-10-01', '2025-Q4'],
    ['2025-12-31', 'quarter', '2025-10-01', '2025-Q4'],
    ['2025-12-31', 'month', '2025-12-01', '2025-12'],
    ['2025-12-31', 'year', '2025-01-01', '2025'],
    ['2028-02-29', 'month', '2028-02-01', '2028-02'],
    ['2028-02-29', 'year', '2028-01-01', '2028'],
  ])('%s by %s → starts %s, labelled %s', (day, granularity, start, label) => {
    expect(periodStart(day, granularity)).toBe(start);
    expect(periodLabel(day, granularity)).toBe(label);
  });

  it('every day of a period has the same start and label as the period start itself', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }),
        fc.constantFrom<Granularity>('day', 'month', 'quarter', 'year'),
        (d, g) => {
          const day = d.toISOString().slice(0, 10);
          const start = periodStart(day, g);
          expect(isLocalDate(start)).toBe(true);
          expect(start <= day).toBe(true);
          expect(periodStart(start, g)).toBe(start);
          expect(periodLabel(start, g)).toBe(periodLabel(day, g));
          // The day before the period start belongs to another period.
          expect(periodLabel(addDays(start, -1), g)).not.toBe(periodLabel(day, g));
        },
      ),
      { numRuns: 300 },
    );
  });
});
