import { type LocalDate, type Progress766Counts, type ProgressPeriod, addDays, endOfLocalDay, localDayOf, startOfLocalDay, zeroProgress766 } from '@tthc/domain';
import { DOSSIERS_TABLE, openAtSql, overdueOpenAtSql } from './overdue-rule.sql';
import { type Sql, toIso } from './sql';

/**
 * The 766 progress counts (libs/domain `progress766Counts`: resolved on time / late in the
 * period, open within deadline / overdue at its end) per unit for consecutive periods of whole
 * local days, from the day rows the aggregator keeps — no pass over the dossiers:
 *
 * - resolved on time / late: the period's summed day counters;
 * - open and overdue at the end of day D: the prefix sum of the gauge changes of every day up
 *   to D (libs/domain `DayGaugeChanges`); open within deadline = open − overdue.
 *
 * One grouped scan of `unit_daily_counters` up to the last period's end: `width_bucket` over the
 * periods' first days puts each day row in its period (bucket 0 = history before the first),
 * and a running sum here turns the gauge changes into end-of-period gauges.
 *
 * A period that ends mid-day (the one reaching "now") is judged at that instant, as the pure
 * function does: resolutions later that day are taken out of it, and its open/overdue counts are
 * read from the dossiers open at that instant (open dossiers plus those resolved after it — a
 * small, indexed set).
 *
 * Periods must be consecutive (each starts 1 ms after the previous one's `at`) and start at a
 * local midnight, as `seriesPeriods` makes them; one period is the plain range case.
 */
export function progress766ByUnit(sql: Sql, periods: readonly ProgressPeriod[], unitCodes?: readonly string[]): Promise<Map<string, Progress766Counts[]>> {
  return progress766Grouped(sql, periods, unitCodes, 'unit_code');
}

/** The same counts summed over the units (the province's series): grouped in SQL, one row per period. */
export async function progress766Total(sql: Sql, periods: readonly ProgressPeriod[], unitCodes?: readonly string[]): Promise<Progress766Counts[]> {
  const total = await progress766Grouped(sql, periods, unitCodes, `'*'::text`);
  return total.get('*') ?? periods.map(() => zeroProgress766());
}

/** `groupBy`: `unit_code` for per-unit counts, a constant for their sum. */
async function progress766Grouped(sql: Sql, periods: readonly ProgressPeriod[], unitCodes: readonly string[] | undefined, groupBy: string): Promise<Map<string, Progress766Counts[]>> {
  const result = new Map<string, Progress766Counts[]>();
  const p = periods.length;
  // Periods that have not begun (at < start) come last and hold nothing.
  const begun = periods.filter((x) => x.at >= x.start);
  if (begun.length === 0) return result;
  const days = begun.map((x) => {
    const from = localDayOf(x.start);
    if (startOfLocalDay(from) !== x.start) throw new Error(`a 766 period must start at a local midnight, not ${toIso(x.start)}`);
    return { from, to: localDayOf(x.at) };
  });
  const lastDay = days[days.length - 1].to;
  const params: unknown[] = [days.map((d) => d.from), lastDay];
  let unitFilter = '';
  if (unitCodes) {
    params.push(unitCodes);
    unitFilter = `AND unit_code = ANY($3::text[])`;
  }
  const rows: { unit_code: string; idx: number; on_time: number; late: number; open: number; overdue: number }[] = await sql.query(
    `SELECT ${groupBy} AS unit_code, width_bucket(day, $1::date[]) AS idx,
            SUM(resolved_on_time)::int AS on_time, SUM(resolved_late)::int AS late,
            SUM(open_change)::int AS open, SUM(overdue_change)::int AS overdue
       FROM unit_daily_counters
      WHERE day <= $2::date ${unitFilter}
      GROUP BY 1, 2
      ORDER BY 1, 2`,
    params,
  );

  const newCounts = () => periods.map(() => zeroProgress766());
  let unit: string | undefined;
  let counts: Progress766Counts[] = [];
  let open = 0;
  let overdue = 0;
  let next = 0;
  // Periods [next, end) hold no day row of this unit: their gauges carry over unchanged.
  const carryTo = (end: number) => {
    for (; next < end; next++) counts[next] = { ...counts[next], openWithinDeadline: open - overdue, openOverdue: overdue };
  };
  for (const row of rows) {
    if (row.unit_code !== unit) {
      if (unit !== undefined) carryTo(begun.length);
      unit = row.unit_code;
      counts = newCounts();
      result.set(unit, counts);
      open = overdue = next = 0;
    }
    const idx = Number(row.idx); // 0: before the first period
    if (idx > 0) carryTo(idx - 1);
    open += Number(row.open);
    overdue += Number(row.overdue);
    if (idx === 0) continue;
    counts[idx - 1] = { resolvedOnTime: Number(row.on_time), resolvedLate: Number(row.late), openWithinDeadline: open - overdue, openOverdue: overdue };
    next = idx;
  }
  if (unit !== undefined) carryTo(begun.length);

  for (let i = 0; i < begun.length; i++) {
    const at = begun[i].at;
    if (at === endOfLocalDay(days[i].to) - 1) continue;
    await judgeAtInstant(sql, at, days[i].to, i, p, result, unitCodes, groupBy);
  }
  return result;
}

/** Period `i` ends at `at`, mid-day `day`: its figures as of that instant, not of the day's end. */
async function judgeAtInstant(
  sql: Sql,
  at: number,
  day: LocalDate,
  i: number,
  p: number,
  result: Map<string, Progress766Counts[]>,
  unitCodes: readonly string[] | undefined,
  groupBy: string,
): Promise<void> {
  const params: unknown[] = [toIso(at), toIso(startOfLocalDay(addDays(day, 1)))];
  let unitFilter = '';
  if (unitCodes) {
    params.push(unitCodes);
    unitFilter = `AND unit_code = ANY($3::text[])`;
  }
  const rows: { unit_code: string; on_time_after: number; late_after: number; open: number; overdue: number }[] = await sql.query(
    `SELECT ${groupBy} AS unit_code,
            count(*) FILTER (WHERE resolved_at < $2 AND resolved_at <= resolution_due_at)::int AS on_time_after,
            count(*) FILTER (WHERE resolved_at < $2 AND resolved_at > resolution_due_at)::int AS late_after,
            count(*) FILTER (WHERE ${openAtSql(DOSSIERS_TABLE, '$1::timestamptz')})::int AS open,
            count(*) FILTER (WHERE ${overdueOpenAtSql(DOSSIERS_TABLE, '$1::timestamptz')})::int AS overdue
       FROM dossiers
      WHERE (resolved_at IS NULL OR resolved_at > $1) ${unitFilter}
      GROUP BY 1`,
    params,
  );
  const atInstant = new Map(rows.map((r) => [r.unit_code, r]));
  for (const code of new Set([...result.keys(), ...atInstant.keys()])) {
    let counts = result.get(code);
    if (!counts) result.set(code, (counts = Array.from({ length: p }, zeroProgress766)));
    const r = atInstant.get(code);
    const c = counts[i];
    const open = Number(r?.open ?? 0);
    const overdue = Number(r?.overdue ?? 0);
    counts[i] = {
      resolvedOnTime: c.resolvedOnTime - Number(r?.on_time_after ?? 0),
      resolvedLate: c.resolvedLate - Number(r?.late_after ?? 0),
      openWithinDeadline: open - overdue,
      openOverdue: overdue,
    };
  }
}
