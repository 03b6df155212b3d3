import { type Progress766Counts, type ProgressPeriod, zeroProgress766 } from '@tthc/domain';
import { type Sql, toIso } from './sql';

/**
 * The 766 progress counts (libs/domain `progress766Counts`: resolved on time / late in the
 * period, open within deadline / overdue at its end) per unit for consecutive periods, in one
 * set-based query over `dossiers`.
 *
 * Instead of testing every dossier against every period (periods × dossiers), each dossier is
 * placed once: `width_bucket` over the periods' start instants gives the period its receipt, its
 * resolution and the start of its overdue state fall in (binary search, O(log periods)). A
 * dossier is open at the end of periods [a, r) (a = receipt's period, r = resolution's), within
 * deadline in [a, min(r, v)) and overdue in [max(a, v), r) (v = first period whose end is past
 * the deadline or at/after the LATE flag); it emits +1/−1 at the interval edges, the query counts
 * them per (unit, period) and a running sum here turns the edges into counts.
 *
 * `e` is MATERIALIZED so each dossier's buckets are computed once, and the five edges are
 * counted by five grouped scans of it rather than by expanding every dossier into five rows
 * (a LATERAL VALUES expansion measured ~40× slower on a year of a province's dossiers).
 *
 * Periods must be consecutive (each starts 1 ms after the previous one's `at`), as
 * `seriesPeriods` makes them; one period is the plain range case.
 */
export async function progress766ByUnit(
  sql: Sql,
  periods: readonly ProgressPeriod[],
  unitCodes?: readonly string[],
): Promise<Map<string, Progress766Counts[]>> {
  const result = new Map<string, Progress766Counts[]>();
  const p = periods.length;
  if (p === 0 || periods[p - 1].at < periods[p - 1].start) return result;
  // Bucket i (1..p) is [start_i, start_{i+1}); the last ends 1 ms after the last period's end.
  const thresholds = [...periods.map((x) => toIso(x.start)), toIso(periods[p - 1].at + 1)];
  const params: unknown[] = [thresholds, p];
  let unitFilter = '';
  if (unitCodes) {
    params.push(unitCodes);
    unitFilter = 'AND unit_code = ANY($3::text[])';
  }
  const rows: { unit_code: string; idx: number; on_time: number; late: number; within: number; overdue: number }[] = await sql.query(
    `WITH b AS (
       SELECT unit_code,
              COALESCE(width_bucket(resolved_at, $1::timestamptz[]), $2::int + 1) AS r,
              resolved_at <= resolution_due_at AS on_time,
              GREATEST(width_bucket(COALESCE(received_at, late_flagged_at), $1::timestamptz[]), 1) AS a,
              LEAST(width_bucket(late_flagged_at, $1::timestamptz[]),
                    width_bucket(COALESCE(receipt_due_at, late_due_at) + interval '1 millisecond', $1::timestamptz[])) AS v
         FROM dossiers
        WHERE (resolved_at IS NULL OR resolved_at >= ($1::timestamptz[])[1]) ${unitFilter}
     ), e AS MATERIALIZED (
       SELECT unit_code, r, on_time, a,
              LEAST(r, COALESCE(v, r)) AS within_end,
              GREATEST(a, COALESCE(v, r)) AS overdue_start,
              r BETWEEN 1 AND $2::int AS resolved_in
         FROM b
     ), x AS (
       SELECT unit_code, r AS idx, count(*) FILTER (WHERE on_time) AS on_time, count(*) FILTER (WHERE NOT on_time) AS late, 0 AS within, 0 AS overdue
         FROM e WHERE resolved_in GROUP BY unit_code, r
       UNION ALL
       SELECT unit_code, a, 0, 0, count(*), 0 FROM e WHERE a < within_end GROUP BY unit_code, a
       UNION ALL
       SELECT unit_code, within_end, 0, 0, -count(*), 0 FROM e WHERE a < within_end AND within_end <= $2::int GROUP BY unit_code, within_end
       UNION ALL
       SELECT unit_code, overdue_start, 0, 0, 0, count(*) FROM e WHERE overdue_start < r GROUP BY unit_code, overdue_start
       UNION ALL
       SELECT unit_code, r, 0, 0, 0, -count(*) FROM e WHERE overdue_start < r AND r <= $2::int GROUP BY unit_code, r
     )
     SELECT unit_code, idx, SUM(on_time)::int AS on_time, SUM(late)::int AS late, SUM(within)::int AS within, SUM(overdue)::int AS overdue
       FROM x
      GROUP BY unit_code, idx
      ORDER BY unit_code, idx`,
    params,
  );
  let unit: string | undefined;
  let counts: Progress766Counts[] = [];
  let within = 0;
  let overdue = 0;
  let next = 0;
  const fillTo = (end: number) => {
    for (; next < end; next++) counts.push({ ...zeroProgress766(), openWithinDeadline: within, openOverdue: overdue });
  };
  for (const row of rows) {
    if (row.unit_code !== unit) {
      if (unit !== undefined) fillTo(p);
      unit = row.unit_code;
      counts = [];
      result.set(unit, counts);
      within = overdue = next = 0;
    }
    const idx = Number(row.idx) - 1;
    fillTo(idx);
    within += Number(row.within);
    overdue += Number(row.overdue);
    counts.push({ resolvedOnTime: Number(row.on_time), resolvedLate: Number(row.late), openWithinDeadline: within, openOverdue: overdue });
    next = idx + 1;
  }
  if (unit !== undefined) fillTo(p);
  return result;
}
