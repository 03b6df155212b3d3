import { COUNTER_FIELDS, type DayCounters, WINDOW_COUNT_FIELDS, type WindowCountField, type WindowCounts, zeroWindowCounts } from '@tthc/domain';
import { indicatorColumn } from './indicator-facts.sql';
import type { Sql } from './sql';
import { type WindowBounds, sumCountersForWindows } from './unit-counters.repository';

/** The indicator fields beyond the v1 counters: read from the (unit, procedure, day) rows. */
const V2_FIELDS: readonly WindowCountField[] = WINDOW_COUNT_FIELDS.filter((f) => !(COUNTER_FIELDS as readonly string[]).includes(f));

/**
 * Every alertable count of several windows for a set of units, in two scans (issue 15): the v1
 * counters from `unit_daily_counters`, exactly as the live snapshot and the rules read them before,
 * and the v2 counts (fully online, digitised, paid, rated, feedback …) summed over all procedures
 * from `unit_procedure_daily_indicators`. A unit with no row in either is absent.
 */
export async function sumWindowCounts(sql: Sql, windows: WindowBounds[], unitCodes?: string[]): Promise<Map<string, Map<string, WindowCounts>>> {
  const [v1, v2] = await Promise.all([sumCountersForWindows(sql, windows, unitCodes), sumIndicatorWindows(sql, windows, unitCodes)]);
  const result = new Map<string, Map<string, WindowCounts>>();
  for (const code of new Set([...v1.keys(), ...v2.keys()])) {
    const perWindow = new Map<string, WindowCounts>();
    for (const w of windows) {
      const counts = zeroWindowCounts();
      Object.assign(counts, v2.get(code)?.get(w.name) ?? {}, v1.get(code)?.get(w.name) ?? ({} as DayCounters));
      perWindow.set(w.name, counts);
    }
    result.set(code, perWindow);
  }
  return result;
}

async function sumIndicatorWindows(sql: Sql, windows: WindowBounds[], unitCodes?: string[]): Promise<Map<string, Map<string, Partial<WindowCounts>>>> {
  const result = new Map<string, Map<string, Partial<WindowCounts>>>();
  if (windows.length === 0) return result;
  const minFrom = windows.reduce((m, w) => (w.from < m ? w.from : m), windows[0].from);
  const maxTo = windows.reduce((m, w) => (w.to > m ? w.to : m), windows[0].to);
  const params: unknown[] = [minFrom, maxTo];
  const cols = windows
    .map((w, i) => {
      params.push(w.from, w.to);
      const f = `day BETWEEN $${params.length - 1}::date AND $${params.length}::date`;
      return V2_FIELDS.map((field) => `COALESCE(SUM(${indicatorColumn(field)}) FILTER (WHERE ${f}), 0)::text AS "w${i}_${field}"`).join(', ');
    })
    .join(', ');
  let unitFilter = '';
  if (unitCodes) {
    params.push(unitCodes);
    unitFilter = `AND unit_code = ANY($${params.length}::text[])`;
  }
  const rows: Record<string, string>[] = await sql.query(
    `SELECT unit_code, ${cols} FROM unit_procedure_daily_indicators
      WHERE day BETWEEN $1::date AND $2::date ${unitFilter} GROUP BY unit_code`,
    params,
  );
  for (const r of rows) {
    const perWindow = new Map<string, Partial<WindowCounts>>();
    windows.forEach((w, i) => {
      const counts: Partial<WindowCounts> = {};
      for (const f of V2_FIELDS) counts[f] = Number(r[`w${i}_${f}`]);
      perWindow.set(w.name, counts);
    });
    result.set(r.unit_code, perWindow);
  }
  return result;
}
