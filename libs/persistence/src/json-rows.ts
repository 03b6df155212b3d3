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

/**
 * A row's fields travel under a one-letter key, the column's position (a, b, …, z, A, …; past 52
 * columns `_52`, …), not under the column's name: keys were over half of every row's JSON
 * (`"feedback_resolution_due_at":` for a 13-digit instant), and every byte is stringified by
 * Node, then lexed twice by PostgreSQL (by `json_in`, then by `json_to_recordset`).
 * `jsonRecordset` gives the names back. Letters, not digits: V8 keeps "0", "1", … as array
 * elements, a second store in every row object. Quoted in SQL, so that case tells "a" from "A".
 */
const KEY_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const jsonKey = (position: number): string => KEY_LETTERS[position] ?? `_${position}`;

/**
 * `json_to_recordset($n::json)` as a subquery named `alias` whose columns carry the columns'
 * names, instants still int8 epoch milliseconds (`jsonRecordsetValue` converts them).
 */
export function jsonRecordset(columns: readonly JsonColumn<never>[], param = 1, alias = 'r'): string {
  const named = columns.map(([c], i) => `j."${jsonKey(i)}" AS ${c}`).join(', ');
  const fields = columns.map(([, t], i) => `"${jsonKey(i)}" ${t === 'timestamptz' ? 'int8' : t}`).join(', ');
  return `(SELECT ${named} FROM json_to_recordset($${param}::json) AS j(${fields})) AS ${alias}`;
}

/** One column of `jsonRecordset` as its SQL value, an instant converted back to timestamptz. */
export function jsonRecordsetValue([c, t]: JsonColumn<never>, alias = 'r'): string {
  return t === 'timestamptz' ? `timestamptz 'epoch' + ${alias}.${c} * interval '1 millisecond'` : `${alias}.${c}`;
}

/** The select list reading every column of `jsonRecordset`, in order. */
export function jsonRecordsetColumns(columns: readonly JsonColumn<never>[], alias = 'r'): string {
  return columns.map((column) => jsonRecordsetValue(column, alias)).join(', ');
}

/** The JSON parameter for `jsonRecordset`: one object per row, keyed by column position, NULL columns left out (they read as NULL). */
export function jsonRows<T>(columns: readonly JsonColumn<T>[], rows: readonly T[]): string {
  const keys = columns.map((_, i) => jsonKey(i));
  return JSON.stringify(
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) {
        const v = columns[i][2](row);
        if (v !== undefined && v !== null) out[keys[i]] = v;
      }
      return out;
    }),
  );
}
