import { type CounterDifference, type LocalDate, diffDayCounters } from '@tthc/domain';
import { type Sql, recountFromRawEvents, storedDayCounters } from '@tthc/persistence';

export interface VerifyReport {
  from: LocalDate;
  to: LocalDate;
  unitCodes?: string[];
  /** (unit, day) rows compared. */
  rowsCompared: number;
  differences: CounterDifference[];
}

/**
 * Recomputes the day counters of a period from the raw event log and compares them with the
 * stored counters. Empty `differences` is the auditor's proof that every published rate for
 * the period follows from the events.
 */
export async function verifyCounters(sql: Sql, from: LocalDate, to: LocalDate, unitCodes?: string[]): Promise<VerifyReport> {
  const [expected, stored] = await Promise.all([recountFromRawEvents(sql, from, to, unitCodes), storedDayCounters(sql, from, to, unitCodes)]);
  const keys = new Set([...expected, ...stored].map((r) => `${r.unitCode}|${r.day}`));
  return { from, to, unitCodes, rowsCompared: keys.size, differences: diffDayCounters(expected, stored) };
}
