import type { LocalDate } from '../local-day';
import { INDICATOR_FIELDS, type IndicatorCounts, type IndicatorField } from './indicator-counts';

export interface KeyedIndicatorRow extends IndicatorCounts {
  unitCode: string;
  procedureCode: string;
  day: LocalDate;
}

export interface IndicatorDifference {
  unitCode: string;
  procedureCode: string;
  day: LocalDate;
  field: IndicatorField;
  expected: number;
  actual: number;
}

/**
 * Every (unit, procedure, day, field) where `actual` differs from `expected`; a row missing on one
 * side counts as zeros. Empty means the two agree exactly (the indicator side of `verify`).
 */
export function diffIndicatorRows(expected: readonly KeyedIndicatorRow[], actual: readonly KeyedIndicatorRow[]): IndicatorDifference[] {
  const key = (r: KeyedIndicatorRow) => `${r.unitCode}\u0000${r.procedureCode}\u0000${r.day}`;
  const exp = new Map(expected.map((r) => [key(r), r]));
  const act = new Map(actual.map((r) => [key(r), r]));
  const out: IndicatorDifference[] = [];
  for (const k of [...new Set([...exp.keys(), ...act.keys()])].sort()) {
    const [unitCode, procedureCode, day] = k.split('\u0000');
    const e = exp.get(k);
    const a = act.get(k);
    for (const field of INDICATOR_FIELDS) {
      const ev = e?.[field] ?? 0;
      const av = a?.[field] ?? 0;
      if (ev !== av) out.push({ unitCode, procedureCode, day, field, expected: ev, actual: av });
    }
  }
  return out;
}
