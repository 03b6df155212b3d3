import { type DayCounters, type LocalDate, zeroCounters } from '@tthc/domain';
import type { Sql } from './sql';

/**
 * Day counters summed per period (consecutive periods of local days, e.g. `seriesPeriods`), for
 * the given units together (one unit's series, or the province's when `unitCodes` is omitted).
 * `width_bucket` over the periods' first days places each day row in its period in the query.
 */
export async function sumCountersByPeriod(sql: Sql, periods: readonly { from: LocalDate; to: LocalDate }[], unitCodes?: readonly string[]): Promise<DayCounters[]> {
  const out = periods.map(() => zeroCounters());
  if (periods.length === 0) return out;
  const params: unknown[] = [periods.map((x) => x.from), periods[periods.length - 1].to];
  let unitFilter = '';
  if (unitCodes) {
    params.push(unitCodes);
    unitFilter = 'AND unit_code = ANY($3::text[])';
  }
  const rows: Record<string, number>[] = await sql.query(
    `SELECT width_bucket(day, $1::date[]) AS idx,
            SUM(received_total)::int AS "receivedTotal", SUM(received_online)::int AS "receivedOnline",
            SUM(received_direct)::int AS "receivedDirect", SUM(resolved_total)::int AS "resolvedTotal",
            SUM(resolved_on_time)::int AS "resolvedOnTime", SUM(resolved_late)::int AS "resolvedLate"
       FROM unit_daily_counters
      WHERE day BETWEEN ($1::date[])[1] AND $2::date ${unitFilter}
      GROUP BY 1`,
    params,
  );
  for (const r of rows) {
    const c = out[Number(r.idx) - 1];
    for (const k of Object.keys(c) as (keyof DayCounters)[]) c[k] = Number(r[k]);
  }
  return out;
}

/** When the counters last changed: the "data as of" time an export states. `null` before any data. */
export async function countersLastUpdatedAt(sql: Sql): Promise<Date | null> {
  const [row]: { at: Date | null }[] = await sql.query(`SELECT max(updated_at) AS at FROM unit_daily_counters`);
  return row?.at ?? null;
}
