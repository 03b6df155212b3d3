import { INDICATOR_FIELDS, type IndicatorCounts, type IndicatorDelta, type LocalDate, type PeriodIndicatorCounts, addDays, periodCountsOf, zeroIndicatorCounts } from '@tthc/domain';
import { INDICATOR_COLUMNS, indicatorColumn } from './indicator-facts.sql';
import { type JsonColumn, jsonRecordset, jsonRows } from './json-rows';
import { type WritePart, runWrites } from './combined-writes';
import type { Sql } from './sql';

const TABLE = 'unit_procedure_daily_indicators';

/** The delta columns: most of a row's counts are 0 and travel as absent JSON fields (read back as 0). */
const DELTA_COLUMNS: JsonColumn<IndicatorDelta>[] = [
  ['unit_code', 'text', (d) => d.unitCode],
  ['procedure_code', 'text', (d) => d.procedureCode],
  ['day', 'text', (d) => d.day],
  ...INDICATOR_FIELDS.map((f, i): JsonColumn<IndicatorDelta> => [INDICATOR_COLUMNS[i], 'bigint', (d) => d.counts[f] || undefined]),
];

const applySql = (param: number) => `
  INSERT INTO ${TABLE} AS c (unit_code, procedure_code, day, ${INDICATOR_COLUMNS.join(', ')})
  SELECT r.unit_code, r.procedure_code, r.day::date, ${INDICATOR_COLUMNS.map((col) => `COALESCE(r.${col}, 0)`).join(', ')}
    FROM ${jsonRecordset(DELTA_COLUMNS, param)}
  ON CONFLICT (unit_code, procedure_code, day) DO UPDATE SET
    ${INDICATOR_COLUMNS.map((col) => `${col} = c.${col} + EXCLUDED.${col}`).join(',\n    ')},
    updated_at = now()`;

/** Adds a batch's indicator deltas to the day rows: one upsert, whatever the batch size. */
export function indicatorDeltaWrites(deltas: readonly IndicatorDelta[]): WritePart[] {
  return deltas.length === 0 ? [] : [{ statement: applySql, values: [jsonRows(DELTA_COLUMNS, deltas)] }];
}

/** `indicatorDeltaWrites`, run alone. */
export async function applyIndicatorDeltas(sql: Sql, deltas: readonly IndicatorDelta[]): Promise<void> {
  await runWrites(sql, indicatorDeltaWrites(deltas));
}

/** How to group the sums: per unit, per procedure, per (unit, procedure), per procedure level, or one total. */
export type IndicatorGrouping = 'unit' | 'procedure' | 'unitProcedure' | 'level' | 'total';

export interface IndicatorPeriod {
  from: LocalDate;
  to: LocalDate;
}

export interface IndicatorQuery {
  /** Consecutive periods of whole local days, in order (each `from` the day after the previous `to`). */
  periods: readonly IndicatorPeriod[];
  groupBy: IndicatorGrouping;
  unitCodes?: readonly string[];
  procedureCodes?: readonly string[];
  /**
   * For `groupBy: 'level'`: each procedure's level (from the procedure catalogue). A procedure not
   * listed is grouped under `unknownLevel` (default "UNKNOWN"), so the levels still add up to the total.
   */
  procedureLevels?: ReadonlyMap<string, string>;
  unknownLevel?: string;
}

/** The group key of a row: `unit`, `procedure`, `unit|procedure`, the level, or `*`. */
function groupExpression(q: IndicatorQuery, params: unknown[]): string {
  switch (q.groupBy) {
    case 'unit':
      return 'unit_code';
    case 'procedure':
      return 'procedure_code';
    case 'unitProcedure':
      return `unit_code || '|' || procedure_code`;
    case 'total':
      return `'*'::text`;
    case 'level': {
      const levels = q.procedureLevels ?? new Map<string, string>();
      params.push([...levels.keys()], [...levels.values()], q.unknownLevel ?? 'UNKNOWN');
      const [codes, names, unknown] = [params.length - 2, params.length - 1, params.length];
      return `COALESCE((SELECT l.level FROM unnest($${codes}::text[], $${names}::text[]) AS l(code, level) WHERE l.code = procedure_code LIMIT 1), $${unknown}::text)`;
    }
  }
}

/**
 * The period counts (`PeriodIndicatorCounts`) of each group for each period, from the day rows:
 * the counts are exact sums of the period's rows, the two gauges the prefix sum of every row up to
 * the period's last day. One grouped scan up to the last period's end; `width_bucket` puts each
 * day row in its period (bucket 0 = the history before the first period, which only feeds the
 * gauges), as libs/persistence `progress766ByUnit` does for the unit rows.
 * A group with no row at all is absent from the map.
 */
export async function sumIndicatorPeriods(sql: Sql, q: IndicatorQuery): Promise<Map<string, PeriodIndicatorCounts[]>> {
  const result = new Map<string, PeriodIndicatorCounts[]>();
  if (q.periods.length === 0) return result;
  q.periods.forEach((p, i) => {
    if (p.to < p.from) throw new Error(`period ${p.from}…${p.to} ends before it starts`);
    if (i > 0 && addDays(q.periods[i - 1].to, 1) !== p.from) throw new Error('indicator periods must be consecutive');
  });
  const params: unknown[] = [q.periods.map((p) => p.from), q.periods[q.periods.length - 1].to];
  const filters: string[] = [];
  if (q.unitCodes) {
    params.push(q.unitCodes);
    filters.push(`unit_code = ANY($${params.length}::text[])`);
  }
  if (q.procedureCodes) {
    params.push(q.procedureCodes);
    filters.push(`procedure_code = ANY($${params.length}::text[])`);
  }
  const key = groupExpression(q, params);
  const rows: Record<string, string | number>[] = await sql.query(
    `SELECT ${key} AS k, width_bucket(day, $1::date[]) AS idx,
            ${INDICATOR_FIELDS.map((f) => `SUM(${indicatorColumn(f)})::text AS "${f}"`).join(', ')}
       FROM ${TABLE}
      WHERE day <= $2::date ${filters.map((f) => `AND ${f}`).join(' ')}
      GROUP BY 1, 2
      ORDER BY 1, 2`,
    params,
  );
  const byGroup = new Map<string, Map<number, IndicatorCounts>>();
  for (const r of rows) {
    const k = String(r.k);
    const counts = zeroIndicatorCounts();
    // Sums come back as text: exact for bigint, converted once they are known to be integers.
    for (const f of INDICATOR_FIELDS) counts[f] = Number(r[f]);
    let buckets = byGroup.get(k);
    if (!buckets) byGroup.set(k, (buckets = new Map<number, IndicatorCounts>()));
    buckets.set(Number(r.idx), counts);
  }
  for (const [k, buckets] of byGroup) {
    const history = buckets.get(0);
    let open = history?.openChange ?? 0;
    let overdue = history?.overdueChange ?? 0;
    const series = q.periods.map((_, i) => {
      const c = periodCountsOf([buckets.get(i + 1) ?? zeroIndicatorCounts()], open, overdue);
      open = c.openAtEnd;
      overdue = c.overdueAtEnd;
      return c;
    });
    result.set(k, series);
  }
  return result;
}

export interface IndicatorDayRow extends IndicatorCounts {
  unitCode: string;
  procedureCode: string;
  day: LocalDate;
}

/** The stored indicator day rows for [from, to], all-zero rows left out, in key order (the auditor's side of `verify`). */
export async function storedIndicatorRows(sql: Sql, from: LocalDate, to: LocalDate, unitCodes?: readonly string[]): Promise<IndicatorDayRow[]> {
  const params: unknown[] = [from, to];
  if (unitCodes) params.push(unitCodes);
  const rows: Record<string, string>[] = await sql.query(
    `SELECT unit_code, procedure_code, to_char(day, 'YYYY-MM-DD') AS day,
            ${INDICATOR_FIELDS.map((f) => `${indicatorColumn(f)}::text AS "${f}"`).join(', ')}
       FROM ${TABLE}
      WHERE day BETWEEN $1::date AND $2::date ${unitCodes ? 'AND unit_code = ANY($3::text[])' : ''}
        AND (${INDICATOR_COLUMNS.join(', ')}) <> (${INDICATOR_COLUMNS.map(() => '0').join(', ')})
      ORDER BY unit_code, procedure_code, day`,
    params,
  );
  return rows.map(toDayRow);
}

export function toDayRow(r: Record<string, string>): IndicatorDayRow {
  const counts = zeroIndicatorCounts();
  for (const f of INDICATOR_FIELDS) counts[f] = Number(r[f]);
  return { unitCode: r.unit_code, procedureCode: r.procedure_code, day: r.day, ...counts };
}

/** Replaces one unit's indicator rows for [from, to] with `rows` (what replay rebuilt from the log). */
export async function replaceIndicatorRows(sql: Sql, unitCode: string, from: LocalDate, to: LocalDate, rows: IndicatorDelta[]): Promise<void> {
  await sql.query(`DELETE FROM ${TABLE} WHERE unit_code = $1 AND day BETWEEN $2::date AND $3::date`, [unitCode, from, to]);
  await applyIndicatorDeltas(sql, rows);
}
