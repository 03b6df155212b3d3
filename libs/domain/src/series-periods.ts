import { type Granularity, type LocalDate, addDays, endOfLocalDay, periodLabel, periodStart, startOfLocalDay } from './local-day';

/** One point of a time series: a calendar period clipped to the requested range. */
export interface SeriesPeriod {
  /** `2025-07-01`, `2025-07`, `2025-Q3`, `2025` (see `periodLabel`). */
  label: string;
  /** First local day of the period inside the range. */
  from: LocalDate;
  /** Last local day of the period inside the range. */
  to: LocalDate;
  /** First instant of `from` (epoch ms). */
  start: number;
  /**
   * The period's end for figures judged "at the end" (overdue open, 766 progress): the last
   * millisecond of `to`, or `now` when the period is still running.
   */
  at: number;
}

function nextPeriodStart(day: LocalDate, granularity: Granularity): LocalDate {
  if (granularity === 'day') return addDays(day, 1);
  const months = granularity === 'month' ? 1 : granularity === 'quarter' ? 3 : 12;
  const y = +day.slice(0, 4);
  const m = +day.slice(5, 7) - 1 + months;
  return `${y + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
}

/** The instant a range of local days is judged at: the end of its last day, or `now` if earlier. */
export function rangeEndInstant(to: LocalDate, now: number): number {
  return Math.min(endOfLocalDay(to) - 1, now);
}

/**
 * The periods of `granularity` that cover the inclusive range [from, to], the first and last
 * clipped to the range (a series from 15 July by month starts with 15–31 July). Periods that have
 * not begun by `now` are left out: there is nothing to report for them yet.
 */
export function seriesPeriods(from: LocalDate, to: LocalDate, granularity: Granularity, now: number): SeriesPeriod[] {
  const out: SeriesPeriod[] = [];
  for (let p = periodStart(from, granularity); p <= to; p = nextPeriodStart(p, granularity)) {
    const pFrom = p < from ? from : p;
    const next = nextPeriodStart(p, granularity);
    const pTo = addDays(next, -1) > to ? to : addDays(next, -1);
    const start = startOfLocalDay(pFrom);
    if (start > now) break;
    out.push({ label: periodLabel(p, granularity), from: pFrom, to: pTo, start, at: rangeEndInstant(pTo, now) });
  }
  return out;
}
