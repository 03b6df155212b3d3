/**
 * Local calendar logic for Asia/Ho_Chi_Minh.
 *
 * Viet Nam has kept UTC+7 without daylight saving since 1975 (IANA tzdb "Asia/Ho_Chi_Minh"),
 * so a fixed offset is exact for every date this system handles and avoids a tz lookup per
 * event on the hot path (PRODUCT.md: counters are per local day).
 */
export const LOCAL_UTC_OFFSET_MS = 7 * 60 * 60 * 1000;
export const LOCAL_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const DAY_MS = 24 * 60 * 60 * 1000;

/** A local calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number → its `YYYY-MM-DD`: formatting a Date per call was a hot spot of the fold. */
const dayNames = new Map<number, LocalDate>();
const MAX_CACHED_DAYS = 20_000; // ~55 years of distinct days; cleared past that, never unbounded

/** The local date on which the instant `epochMs` falls. */
export function localDayOf(epochMs: number): LocalDate {
  const dayNumber = Math.floor((epochMs + LOCAL_UTC_OFFSET_MS) / DAY_MS);
  let name = dayNames.get(dayNumber);
  if (name === undefined) {
    name = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size >= MAX_CACHED_DAYS) dayNames.clear();
    dayNames.set(dayNumber, name);
  }
  return name;
}

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2025-02-30). */
export function isLocalDate(value: string): boolean {
  const m = LOCAL_DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** The instant local midnight begins on `day` (e.g. 2025-07-01 → 2025-06-30T17:00:00Z). */
export function startOfLocalDay(day: LocalDate): number {
  return Date.parse(`${day}T00:00:00.000Z`) - LOCAL_UTC_OFFSET_MS;
}

/** The first instant after `day` ends locally. */
export function endOfLocalDay(day: LocalDate): number {
  return startOfLocalDay(day) + DAY_MS;
}

export function addDays(day: LocalDate, days: number): LocalDate {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Inclusive number of days from `from` to `to`. */
export function daysBetweenInclusive(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

export function startOfMonth(day: LocalDate): LocalDate {
  return `${day.slice(0, 7)}-01`;
}

export function startOfQuarter(day: LocalDate): LocalDate {
  const month = +day.slice(5, 7);
  const first = Math.floor((month - 1) / 3) * 3 + 1;
  return `${day.slice(0, 4)}-${String(first).padStart(2, '0')}-01`;
}

export function startOfYear(day: LocalDate): LocalDate {
  return `${day.slice(0, 4)}-01-01`;
}

export type Granularity = 'day' | 'month' | 'quarter' | 'year';
export const GRANULARITIES: readonly Granularity[] = ['day', 'month', 'quarter', 'year'];

/** The first day of the period of `granularity` that contains `day`. */
export function periodStart(day: LocalDate, granularity: Granularity): LocalDate {
  switch (granularity) {
    case 'day':
      return day;
    case 'month':
      return startOfMonth(day);
    case 'quarter':
      return startOfQuarter(day);
    case 'year':
      return startOfYear(day);
  }
}

/** Human label of a period: `2025-07-01`, `2025-07`, `2025-Q3`, `2025`. */
export function periodLabel(day: LocalDate, granularity: Granularity): string {
  switch (granularity) {
    case 'day':
      return day;
    case 'month':
      return day.slice(0, 7);
    case 'quarter':
      return `${day.slice(0, 4)}-Q${Math.floor((+day.slice(5, 7) - 1) / 3) + 1}`;
    case 'year':
      return day.slice(0, 4);
  }
}
