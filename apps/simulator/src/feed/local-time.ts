import { LOCAL_UTC_OFFSET_MS } from '@tthc/domain';

/**
 * Local (Asia/Ho_Chi_Minh, fixed UTC+7) calendar arithmetic for the simulator, on plain numbers:
 * a "day index" is the number of local days since 1970-01-01 local. Pure; no clock is read.
 */
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** 0 = Sunday … 6 = Saturday, like Date#getUTCDay. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** A span of local time within a day, in minutes after local midnight: [start, end). */
export interface DayWindow {
  startMin: number;
  endMin: number;
}

/**
 * Office hours of the public administrative service centres (giờ hành chính), Monday–Friday.
 * Results are returned, and working-day deadlines run, only in these hours.
 */
export const OFFICE_WINDOWS: readonly DayWindow[] = [
  { startMin: 7 * 60 + 30, endMin: 11 * 60 + 30 },
  { startMin: 13 * 60 + 30, endMin: 17 * 60 },
];

/** Deadlines fall at the end of the working day (hạn trả kết quả … 17:00). */
export const DEADLINE_MINUTE_OF_DAY = 17 * 60;

export function localDayIndex(epochMs: number): number {
  return Math.floor((epochMs + LOCAL_UTC_OFFSET_MS) / DAY_MS);
}

/** The instant local midnight begins on day `dayIndex`. */
export function dayStartMs(dayIndex: number): number {
  return dayIndex * DAY_MS - LOCAL_UTC_OFFSET_MS;
}

export function weekdayOf(dayIndex: number): Weekday {
  // 1970-01-01 was a Thursday.
  return ((((dayIndex + 4) % 7) + 7) % 7) as Weekday;
}

export function isWorkingDay(dayIndex: number): boolean {
  const wd = weekdayOf(dayIndex);
  return wd !== 0 && wd !== 6;
}

/** Local `YYMMDD` of a day index, as used in dossier codes. */
export function yymmdd(dayIndex: number): string {
  const iso = new Date(dayIndex * DAY_MS).toISOString();
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
/** `YYYY-MM-DDT` of recent day indexes: formatting is on the feed's hot path. */
const datePrefixes = new Map<number, string>();

function datePrefix(dayIndex: number): string {
  let prefix = datePrefixes.get(dayIndex);
  if (prefix === undefined) {
    if (datePrefixes.size >= 4096) datePrefixes.clear();
    prefix = new Date(dayIndex * DAY_MS).toISOString().slice(0, 11);
    datePrefixes.set(dayIndex, prefix);
  }
  return prefix;
}

/**
 * `epochMs` as local ISO-8601 with the +07:00 offset: `2025-07-01T08:30:00+07:00`.
 * Milliseconds are written only when non-zero (`…T08:30:00.250+07:00`), so the text always
 * parses back to exactly `epochMs` (fractions of a millisecond are dropped).
 */
export function formatLocalIso(epochMs: number): string {
  const local = Math.floor(epochMs) + LOCAL_UTC_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  const msOfDay = local - day * DAY_MS;
  const seconds = Math.floor(msOfDay / SECOND_MS);
  const millis = msOfDay - seconds * SECOND_MS;
  const hms = `${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}`;
  // join() builds a flat string: concatenation would leave a rope in every event it goes into.
  return [datePrefix(day), hms, millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`, '+07:00'].join('');
}

/** Minutes (fractional) after local midnight of the instant. */
export function localMinuteOfDay(epochMs: number): number {
  return (epochMs - dayStartMs(localDayIndex(epochMs))) / MINUTE_MS;
}

/** The day `n` working days (Mon–Fri) after `dayIndex`; n = 0 is `dayIndex` itself. */
export function addWorkingDays(dayIndex: number, n: number): number {
  let day = dayIndex;
  let left = n;
  while (left > 0) {
    day++;
    if (isWorkingDay(day)) left--;
  }
  return day;
}

/** Deadline of a procedure of `workingDays` received on `receiptDay`: that many working days later, 17:00. */
export function deadlineFor(receiptDay: number, workingDays: number): number {
  return dayStartMs(addWorkingDays(receiptDay, workingDays)) + DEADLINE_MINUTE_OF_DAY * MINUTE_MS;
}

/** The office window containing `t` or the next one after it, as absolute instants [start, end). */
function officeWindowAtOrAfter(t: number): { start: number; end: number } {
  let day = localDayIndex(t);
  for (;;) {
    if (isWorkingDay(day)) {
      const base = dayStartMs(day);
      for (const w of OFFICE_WINDOWS) {
        const end = base + w.endMin * MINUTE_MS;
        if (t < end) return { start: Math.max(t, base + w.startMin * MINUTE_MS), end };
      }
    }
    day++;
  }
}

/** The instant `ms` of office time after `t` (office time only runs inside OFFICE_WINDOWS). */
export function addOfficeTime(t: number, ms: number): number {
  let at = t;
  let left = ms;
  for (;;) {
    const w = officeWindowAtOrAfter(at);
    const available = w.end - w.start;
    if (left <= available) return w.start + left;
    left -= available;
    at = w.end;
  }
}

/** Office time between `a` and `b` (0 if b ≤ a). */
export function officeTimeBetween(a: number, b: number): number {
  let total = 0;
  let at = a;
  while (at < b) {
    const w = officeWindowAtOrAfter(at);
    if (w.start >= b) break;
    total += Math.min(w.end, b) - w.start;
    at = w.end;
  }
  return total;
}
