import { DAY_FACT_FIELDS, type DayCounters, type DayFacts } from './day-counters';
import type { LocalDate } from './local-day';

export interface KeyedDayCounters extends DayCounters {
  unitCode: string;
  day: LocalDate;
}

export interface KeyedDayFacts extends DayFacts {
  unitCode: string;
  day: LocalDate;
}

export interface CounterDifference {
  unitCode: string;
  day: LocalDate;
  field: keyof DayFacts;
  expected: number;
  actual: number;
}

/**
 * Every (unit, day, field) where `actual` differs from `expected`; a row missing on one side
 * counts as zeros. Empty means the two agree exactly.
 */
export function diffDayCounters(expected: KeyedDayFacts[], actual: KeyedDayFacts[]): CounterDifference[] {
  const key = (r: KeyedDayFacts) => `${r.unitCode}|${r.day}`;
  const exp = new Map(expected.map((r) => [key(r), r]));
  const act = new Map(actual.map((r) => [key(r), r]));
  const out: CounterDifference[] = [];
  for (const k of [...new Set([...exp.keys(), ...act.keys()])].sort()) {
    const e = exp.get(k);
    const a = act.get(k);
    const [unitCode, day] = k.split('|');
    for (const field of DAY_FACT_FIELDS) {
      const ev = e?.[field] ?? 0;
      const av = a?.[field] ?? 0;
      if (ev !== av) out.push({ unitCode, day, field, expected: ev, actual: av });
    }
  }
  return out;
}
