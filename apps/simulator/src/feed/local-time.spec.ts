import { startOfLocalDay } from '@tthc/domain';
import { HOUR_MS, MINUTE_MS, addOfficeTime, addWorkingDays, deadlineFor, formatLocalIso, localDayIndex, officeTimeBetween, weekdayOf, yymmdd } from './local-time';

const at = (local: string): number => Date.parse(`${local}+07:00`);
const day = (d: string): number => localDayIndex(startOfLocalDay(d));

describe('simulator local time', () => {
  it('formats epoch ms as local ISO-8601 with +07:00 that parses back exactly', () => {
    expect(formatLocalIso(Date.parse('2025-06-30T17:00:00Z'))).toBe('2025-07-01T00:00:00+07:00');
    expect(formatLocalIso(Date.parse('2025-07-01T01:30:05Z'))).toBe('2025-07-01T08:30:05+07:00');
    expect(formatLocalIso(Date.parse('2025-12-31T16:59:59.250Z'))).toBe('2025-12-31T23:59:59.250+07:00');
    for (let t = Date.parse('2025-07-01T00:00:00Z'); t < Date.parse('2025-07-03T00:00:00Z'); t += 7 * MINUTE_MS + 1_001) {
      expect(Date.parse(formatLocalIso(t))).toBe(t);
    }
  });

  it('knows weekdays and date codes of local days', () => {
    expect(weekdayOf(day('2025-07-01'))).toBe(2); // Tuesday
    expect(weekdayOf(day('2025-07-05'))).toBe(6);
    expect(weekdayOf(day('2025-07-06'))).toBe(0);
    expect(yymmdd(day('2025-07-01'))).toBe('250701');
    expect(localDayIndex(at('2025-07-01T00:00:00'))).toBe(localDayIndex(at('2025-07-01T23:59:59')));
  });

  it('adds working days skipping Saturday and Sunday, deadline at 17:00', () => {
    expect(addWorkingDays(day('2025-07-03'), 1)).toBe(day('2025-07-04')); // Thu → Fri
    expect(addWorkingDays(day('2025-07-04'), 1)).toBe(day('2025-07-07')); // Fri → Mon
    expect(addWorkingDays(day('2025-07-05'), 1)).toBe(day('2025-07-07')); // Sat → Mon
    expect(addWorkingDays(day('2025-07-01'), 15)).toBe(day('2025-07-22'));
    expect(formatLocalIso(deadlineFor(day('2025-07-04'), 3))).toBe('2025-07-09T17:00:00+07:00');
  });

  it('counts office time only in Mon–Fri 07:30–11:30 and 13:30–17:00', () => {
    expect(officeTimeBetween(at('2025-07-01T07:00:00'), at('2025-07-01T18:00:00'))).toBe(7.5 * HOUR_MS);
    expect(officeTimeBetween(at('2025-07-04T16:00:00'), at('2025-07-07T08:30:00'))).toBe(2 * HOUR_MS); // over a weekend
    expect(addOfficeTime(at('2025-07-01T11:00:00'), HOUR_MS)).toBe(at('2025-07-01T14:00:00')); // over lunch
    expect(addOfficeTime(at('2025-07-04T16:30:00'), HOUR_MS)).toBe(at('2025-07-07T08:00:00'));
    expect(addOfficeTime(at('2025-07-05T09:00:00'), MINUTE_MS)).toBe(at('2025-07-07T07:31:00')); // Saturday: no office time
    const from = at('2025-07-02T09:17:00');
    for (const ms of [MINUTE_MS, 3 * HOUR_MS, 7.5 * HOUR_MS, 40 * HOUR_MS]) {
      expect(officeTimeBetween(from, addOfficeTime(from, ms))).toBe(ms);
    }
  });
});
