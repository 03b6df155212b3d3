import type { Sql } from './sql';

/**
 * One data-modifying statement (INSERT, UPDATE, upsert) that can run alone or inside one combined
 * statement with others: its SQL is written against parameters numbered from `firstParam`.
 */
export interface WritePart {
  statement(firstParam: number): string;
  values: unknown[];
  /** The statement must touch exactly this many rows; `error` says what it means when it does not. */
  expectRows?: { count: number; error: (touched: number) => Error };
}

/**
 * Runs writes as one statement, each a data-modifying CTE (issue 12: an aggregator batch made a
 * round trip per table, each ~170 µs of wall time and ~100 µs of Node's CPU on top of the work,
 * and each an await on an event loop shared with the live snapshot and the fetches). PostgreSQL
 * runs every data-modifying CTE exactly once, referenced or not, all on one snapshot: sound here
 * because no two parts touch the same row (each writes its own table, or, for the dossiers,
 * disjoint keys). A part with `expectRows` returns its rows, and a count that differs throws
 * (the transaction then rolls back). No-op when `parts` is empty.
 */
export async function runWrites(sql: Sql, parts: readonly WritePart[]): Promise<void> {
  if (parts.length === 0) return;
  const ctes: string[] = [];
  const counted: string[] = [];
  const values: unknown[] = [];
  parts.forEach((part, i) => {
    const returning = part.expectRows ? ' RETURNING 1' : '';
    ctes.push(`w${i} AS (${part.statement(values.length + 1)}${returning})`);
    if (part.expectRows) counted.push(`(SELECT count(*) FROM w${i})::int AS w${i}`);
    values.push(...part.values);
  });
  const rows: Record<string, number>[] = await sql.query(`WITH ${ctes.join(',\n')}\nSELECT ${counted.length ? counted.join(', ') : '1 AS done'}`, values);
  parts.forEach((part, i) => {
    if (part.expectRows && rows[0][`w${i}`] !== part.expectRows.count) throw part.expectRows.error(rows[0][`w${i}`]);
  });
}
