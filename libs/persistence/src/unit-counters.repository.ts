import { type CounterDelta, type DayCounters, type LocalDate, zeroCounters } from '@tthc/domain';
import { DOSSIERS_OVERDUE_FROM } from './overdue-rule.sql';
import { type WritePart, runWrites } from './combined-writes';
import type { Sql } from './sql';
import { unitVersionsWrite } from './unit-versions.repository';

/**
 * Adds a batch's deltas to the day rows (counters and gauge changes): one upsert, whatever the
 * batch size. Safe for concurrent batches: each column is `stored + delta` computed on the row
 * locked by ON CONFLICT DO UPDATE (which re-reads the latest committed version under READ
 * COMMITTED), so two batches adding to one day row both count. The rows are written in
 * (unit, day) order, the order every batch locks them in: two batches touching the same units in
 * different orders would otherwise deadlock (40P01, retried, but wasted work).
 */
export function counterDeltaWrites(unordered: readonly CounterDelta[]): WritePart[] {
  if (unordered.length === 0) return [];
  const deltas = [...unordered].sort((a, b) => (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const arrays: [unknown[], string][] = [
    [deltas.map((d) => d.unitCode), 'text'],
    [deltas.map((d) => d.day), 'date'],
    [deltas.map((d) => d.counters.receivedTotal), 'int'],
    [deltas.map((d) => d.counters.receivedOnline), 'int'],
    [deltas.map((d) => d.counters.receivedDirect), 'int'],
    [deltas.map((d) => d.counters.resolvedTotal), 'int'],
    [deltas.map((d) => d.counters.resolvedOnTime), 'int'],
    [deltas.map((d) => d.counters.resolvedLate), 'int'],
    [deltas.map((d) => d.counters.openChange), 'int'],
    [deltas.map((d) => d.counters.overdueChange), 'int'],
  ];
  const statement = (first: number) => `
    INSERT INTO unit_daily_counters AS c (unit_code, day, received_total, received_online, received_direct,
                                          resolved_total, resolved_on_time, resolved_late, open_change, overdue_change)
    SELECT * FROM unnest(${arrays.map(([, type], i) => `$${first + i}::${type}[]`).join(', ')})
    ON CONFLICT (unit_code, day) DO UPDATE SET
      received_total   = c.received_total   + EXCLUDED.received_total,
      received_online  = c.received_online  + EXCLUDED.received_online,
      received_direct  = c.received_direct  + EXCLUDED.received_direct,
      resolved_total   = c.resolved_total   + EXCLUDED.resolved_total,
      resolved_on_time = c.resolved_on_time + EXCLUDED.resolved_on_time,
      resolved_late    = c.resolved_late    + EXCLUDED.resolved_late,
      open_change      = c.open_change      + EXCLUDED.open_change,
      overdue_change   = c.overdue_change   + EXCLUDED.overdue_change,
      updated_at = now()`;
  return [{ statement, values: arrays.map(([values]) => values) }];
}

/** `counterDeltaWrites`, run alone. */
export async function applyCounterDeltas(sql: Sql, deltas: readonly CounterDelta[]): Promise<void> {
  await runWrites(sql, counterDeltaWrites(deltas));
}

const SUMS = `
  COALESCE(SUM(received_total), 0)::int   AS "receivedTotal",
  COALESCE(SUM(received_online), 0)::int  AS "receivedOnline",
  COALESCE(SUM(received_direct), 0)::int  AS "receivedDirect",
  COALESCE(SUM(resolved_total), 0)::int   AS "resolvedTotal",
  COALESCE(SUM(resolved_on_time), 0)::int AS "resolvedOnTime",
  COALESCE(SUM(resolved_late), 0)::int    AS "resolvedLate"`;

function pick(row: Record<string, number>): DayCounters {
  const c = zeroCounters();
  for (const k of Object.keys(c) as (keyof DayCounters)[]) c[k] = Number(row[k] ?? 0);
  return c;
}

/** Summed counters per unit over an inclusive local-date range (all units when `unitCodes` is omitted). */
export async function sumCountersByUnit(sql: Sql, from: LocalDate, to: LocalDate, unitCodes?: string[]): Promise<Map<string, DayCounters>> {
  const rows: (Record<string, number> & { unit_code: string })[] = await sql.query(
    `SELECT unit_code, ${SUMS} FROM unit_daily_counters
      WHERE day BETWEEN $1::date AND $2::date ${unitCodes ? 'AND unit_code = ANY($3::text[])' : ''}
      GROUP BY unit_code`,
    unitCodes ? [from, to, unitCodes] : [from, to],
  );
  return new Map(rows.map((r) => [r.unit_code, pick(r)]));
}

export interface WindowBounds {
  name: string;
  from: LocalDate;
  to: LocalDate;
}

/**
 * Live overdue-open gauge per unit at `now` (PRODUCT.md's rule, `overdueOpenAtSql`): a LATE flag
 * or a receipt stamped slightly ahead of our clock (within the accepted skew) does not count
 * before its instant. For an unresolved dossier the rule is `overdue_from <= now`
 * (`DOSSIERS_OVERDUE_FROM`), and the index over the open dossiers by unit and that instant gives
 * each unit's overdue ones as one range, not every open dossier to evaluate (migration 1765000000000).
 */
export async function countOverdueOpenNow(sql: Sql, now: Date, unitCodes?: string[]): Promise<Map<string, number>> {
  const rows: { unit_code: string; n: number }[] = await sql.query(
    `SELECT unit_code, count(*)::int AS n FROM dossiers
      WHERE resolved_at IS NULL AND ${DOSSIERS_OVERDUE_FROM} <= $1::timestamptz
        ${unitCodes ? 'AND unit_code = ANY($2::text[])' : ''}
      GROUP BY unit_code`,
    unitCodes ? [now, unitCodes] : [now],
  );
  return new Map(rows.map((r) => [r.unit_code, Number(r.n)]));
}

/** A unit's overdue-open count at an instant, and when the next of its open dossiers becomes overdue. */
export interface OverdueCount {
  count: number;
  /** The earliest `overdue_from` after the instant among its unresolved dossiers (ms); Infinity when none. */
  nextCrossing: number;
}

/**
 * `countOverdueOpenNow` for `unitCodes`, with each unit's next crossing: until then, and until a
 * change to one of its dossiers, the count stays what it is (apps/aggregator `OverdueCounts`).
 * Two ranges of the same partial index per unit; the second is one descent (min of a range).
 */
export async function countOverdueOpenWithNextCrossing(sql: Sql, now: Date, unitCodes: string[]): Promise<Map<string, OverdueCount>> {
  // The instant as epoch milliseconds (float8: exact for whole milliseconds), whatever type parsers the connection has.
  const rows: { unit_code: string; n: number; next: number | null }[] = await sql.query(
    `SELECT u.unit_code,
            (SELECT count(*) FROM dossiers d WHERE d.unit_code = u.unit_code AND d.resolved_at IS NULL AND d.${DOSSIERS_OVERDUE_FROM} <= $1::timestamptz)::int AS n,
            (SELECT extract(epoch FROM min(d.${DOSSIERS_OVERDUE_FROM})) * 1000 FROM dossiers d
              WHERE d.unit_code = u.unit_code AND d.resolved_at IS NULL AND d.${DOSSIERS_OVERDUE_FROM} > $1::timestamptz)::float8 AS next
       FROM unnest($2::text[]) AS u(unit_code)`,
    [now, unitCodes],
  );
  return new Map(rows.map((r) => [r.unit_code, { count: Number(r.n), nextCrossing: r.next === null ? Infinity : Number(r.next) }]));
}

/**
 * Replaces one unit's day counters for [from, to] with `rows` (days absent from `rows` become
 * absent), and raises the unit's version: a live snapshot read before the replay is older.
 */
export async function replaceDayCounters(sql: Sql, unitCode: string, from: LocalDate, to: LocalDate, rows: CounterDelta[]): Promise<void> {
  await sql.query(`DELETE FROM unit_daily_counters WHERE unit_code = $1 AND day BETWEEN $2::date AND $3::date`, [unitCode, from, to]);
  await runWrites(sql, [...counterDeltaWrites(rows), unitVersionsWrite([unitCode])]);
}
