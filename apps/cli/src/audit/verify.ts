import { type CounterDifference, type IndicatorDifference, type LocalDate, diffDayCounters, diffIndicatorRows } from '@tthc/domain';
import { type Sql, recountFromRawEvents, recountIndicatorsFromRawEvents, storedDayCounters, storedIndicatorRows } from '@tthc/persistence';

export interface VerifyReport {
  from: LocalDate;
  to: LocalDate;
  unitCodes?: string[];
  /** (unit, day) rows compared. */
  rowsCompared: number;
  differences: CounterDifference[];
  /** (unit, procedure, day) indicator rows compared (issue 15). */
  indicatorRowsCompared: number;
  indicatorDifferences: IndicatorDifference[];
}

/**
 * Recomputes the day counters and the indicator day rows of a period from the raw event log and
 * compares them with the stored ones. Empty `differences` and `indicatorDifferences` are the
 * auditor's proof that every published rate and 766 score for the period follows from the events.
 */
export async function verifyCounters(sql: Sql, from: LocalDate, to: LocalDate, unitCodes?: string[]): Promise<VerifyReport> {
  const [expected, stored, expectedIndicators, storedIndicators] = await Promise.all([
    recountFromRawEvents(sql, from, to, unitCodes),
    storedDayCounters(sql, from, to, unitCodes),
    recountIndicatorsFromRawEvents(sql, from, to, unitCodes),
    storedIndicatorRows(sql, from, to, unitCodes),
  ]);
  const keys = new Set([...expected, ...stored].map((r) => `${r.unitCode}|${r.day}`));
  const indicatorKeys = new Set([...expectedIndicators, ...storedIndicators].map((r) => `${r.unitCode}|${r.procedureCode}|${r.day}`));
  return {
    from,
    to,
    unitCodes,
    rowsCompared: keys.size,
    differences: diffDayCounters(expected, stored),
    indicatorRowsCompared: indicatorKeys.size,
    indicatorDifferences: diffIndicatorRows(expectedIndicators, storedIndicators),
  };
}
