import { COUNTER_FIELDS, WINDOW_COUNT_FIELDS, type WindowCountField, type WindowCounts, zeroWindowCounts } from '@tthc/domain';
import { indicatorColumn } from './indicator-facts.sql';
import type { Sql } from './sql';
import type { WindowBounds } from './unit-counters.repository';

const isCounterField = (f: WindowCountField): boolean => (COUNTER_FIELDS as readonly string[]).includes(f);

/**
 * Alertable counts of several windows for a set of units (issue 15): the v1 counters from
 * `unit_daily_counters`, exactly as the live snapshot and the rules read them before, and the v2
 * counts (fully online, digitised, paid, rated, feedback …) summed over all procedures from
 * `unit_procedure_daily_indicators`. A unit with no row in either is absent.
 *
 * `fields` narrows the read to the counts a caller judges (the notifier's rules:
 * `metricFields`): a table none of them is in is not scanned, and each sum left out is work
 * PostgreSQL does not do for every day row of every unit. **The fields left out are 0 in the
 * result, not read**: pass the fields of every figure that will be looked at.
 */
export async function sumWindowCounts(
  sql: Sql,
  windows: WindowBounds[],
  unitCodes?: string[],
  fields: readonly WindowCountField[] = WINDOW_COUNT_FIELDS,
): Promise<Map<string, Map<string, WindowCounts>>> {
  const [v1, v2] = await Promise.all([
    sumDayRowColumns(sql, 'unit_daily_counters', fields.filter(isCounterField), windows, unitCodes),
    sumDayRowColumns(
      sql,
      'unit_procedure_daily_indicators',
      fields.filter((f) => !isCounterField(f)),
      windows,
      unitCodes,
    ),
  ]);
  const result = new Map<string, Map<string, WindowCounts>>();
  for (const code of new Set([...v1.keys(), ...v2.keys()])) {
    const perWindow = new Map<string, WindowCounts>();
    for (const w of windows) perWindow.set(w.name, Object.assign(zeroWindowCounts(), v2.get(code)?.get(w.name), v1.get(code)?.get(w.name)));
    result.set(code, perWindow);
  }
  return result;
}

/** Per unit and window, the sums of `fields` over a day-row table's rows of the window's days, in one scan of the widest span. */
async function sumDayRowColumns(
  sql: Sql,
  table: 'unit_daily_counters' | 'unit_procedure_daily_indicators',
  fields: readonly WindowCountField[],
  windows: WindowBounds[],
  unitCodes?: string[],
): Promise<Map<string, Map<string, Partial<WindowCounts>>>> {
  const result = new Map<string, Map<string, Partial<WindowCounts>>>();
  if (windows.length === 0 || fields.length === 0) return result;
  const minFrom = windows.reduce((m, w) => (w.from < m ? w.from : m), windows[0].from);
  const maxTo = windows.reduce((m, w) => (w.to > m ? w.to : m), windows[0].to);
  const params: unknown[] = [minFrom, maxTo];
  const cols = windows
    .map((w, i) => {
      params.push(w.from, w.to);
      const f = `day BETWEEN $${params.length - 1}::date AND $${params.length}::date`;
      return fields.map((field) => `COALESCE(SUM(${indicatorColumn(field)}) FILTER (WHERE ${f}), 0)::text AS "w${i}_${field}"`).join(', ');
    })
    .join(', ');
  let unitFilter = '';
  if (unitCodes) {
    params.push(unitCodes);
    unitFilter = `AND unit_code = ANY($${params.length}::text[])`;
  }
  const rows: Record<string, string>[] = await sql.query(
    `SELECT unit_code, ${cols} FROM ${table}
      WHERE day BETWEEN $1::date AND $2::date ${unitFilter} GROUP BY unit_code`,
    params,
  );
  for (const r of rows) {
    const perWindow = new Map<string, Partial<WindowCounts>>();
    windows.forEach((w, i) => {
      const counts: Partial<WindowCounts> = {};
      for (const f of fields) counts[f] = Number(r[`w${i}_${f}`]);
      perWindow.set(w.name, counts);
    });
    result.set(r.unit_code, perWindow);
  }
  return result;
}
