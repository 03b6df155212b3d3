/**
 * Bulk writes with one JSON parameter instead of one array parameter per column (issue 12).
 *
 * node-postgres turns each array parameter into an array literal element by element (prepareValue,
 * then two regex replaces per element), and each instant had to become an ISO string first: for a
 * 38-column dossier row that was ~20 µs of the aggregator's CPU per row, more than the fold itself.
 * `JSON.stringify` of the rows is native and `json_to_recordset` costs PostgreSQL no more than
 * the array literals did (measured with `node dist/apps/bench/src/storage.bench.js`).
 *
 * Instants travel as epoch milliseconds (an int8) and become a timestamptz by `'epoch' + ms × 1 ms`:
 * integer microseconds, exact by construction, with no float8 of seconds to reason about; no ISO
 * string is formatted in Node or parsed in PostgreSQL.
 */
export type JsonColumnType = 'text' | 'uuid' | 'boolean' | 'smallint' | 'int' | 'bigint' | 'timestamptz';

/** A column written from JSON rows: its name, its SQL type and how its value is read off a source row (undefined and null are NULL). */
export type JsonColumn<T> = readonly [column: string, type: JsonColumnType, value: (row: T) => unknown];

/** `json_to_recordset($n::json) AS alias(col type, …)`, instants declared as int8 epoch milliseconds. */
export function jsonRecordset(columns: readonly JsonColumn<never>[], param = 1, alias = 'r'): string {
  const fields = columns.map(([c, t]) => `${c} ${t === 'timestamptz' ? 'int8' : t}`).join(', ');
  return `json_to_recordset($${param}::json) AS ${alias}(${fields})`;
}

/** One column of `jsonRecordset` as its SQL value, an instant converted back to timestamptz. */
export function jsonRecordsetValue([c, t]: JsonColumn<never>, alias = 'r'): string {
  return t === 'timestamptz' ? `timestamptz 'epoch' + ${alias}.${c} * interval '1 millisecond'` : `${alias}.${c}`;
}

/** The select list reading every column of `jsonRecordset`, in order. */
export function jsonRecordsetColumns(columns: readonly JsonColumn<never>[], alias = 'r'): string {
  return columns.map((column) => jsonRecordsetValue(column, alias)).join(', ');
}

/** The JSON parameter for `jsonRecordset`: one object per row, NULL columns left out (they read as NULL). */
export function jsonRows<T>(columns: readonly JsonColumn<T>[], rows: readonly T[]): string {
  return JSON.stringify(
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const [c, , value] of columns) {
        const v = value(row);
        if (v !== undefined && v !== null) out[c] = v;
      }
      return out;
    }),
  );
}
