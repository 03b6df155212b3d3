import type { LocalDate } from './local-day';

/**
 * The additive facts of one unit on one local day (PRODUCT.md, "Metrics — definitions").
 * Everything the API reports for a period is a sum of these; rates are derived, never stored.
 */
export interface DayCounters {
  receivedTotal: number;
  receivedOnline: number;
  receivedDirect: number;
  resolvedTotal: number;
  resolvedOnTime: number;
  resolvedLate: number;
}

export const COUNTER_FIELDS: readonly (keyof DayCounters)[] = [
  'receivedTotal',
  'receivedOnline',
  'receivedDirect',
  'resolvedTotal',
  'resolvedOnTime',
  'resolvedLate',
];

export function zeroCounters(): DayCounters {
  return {
    receivedTotal: 0,
    receivedOnline: 0,
    receivedDirect: 0,
    resolvedTotal: 0,
    resolvedOnTime: 0,
    resolvedLate: 0,
  };
}

/** `into += from`, in place; returns `into`. */
export function addInto(into: DayCounters, from: DayCounters, sign: 1 | -1 = 1): DayCounters {
  for (const f of COUNTER_FIELDS) into[f] += sign * from[f];
  return into;
}

export function sumCounters(all: Iterable<DayCounters>): DayCounters {
  const total = zeroCounters();
  for (const c of all) addInto(total, c);
  return total;
}

export function isZero(c: DayCounters): boolean {
  return COUNTER_FIELDS.every((f) => c[f] === 0);
}

/** A change to one unit's counters on one local day. */
export interface CounterDelta {
  unitCode: string;
  day: LocalDate;
  counters: DayCounters;
}

/**
 * Accumulates deltas per (unit, day) so a batch of any size becomes one row per touched
 * (unit, day): memory is bounded by units × days touched, not by events.
 */
export class CounterDeltaAccumulator {
  private readonly byKey = new Map<string, CounterDelta>();

  add(unitCode: string, day: LocalDate, change: Partial<DayCounters>): void {
    const key = `${unitCode}|${day}`;
    let delta = this.byKey.get(key);
    if (!delta) {
      delta = { unitCode, day, counters: zeroCounters() };
      this.byKey.set(key, delta);
    }
    for (const f of COUNTER_FIELDS) delta.counters[f] += change[f] ?? 0;
  }

  /** Non-zero deltas only: a retraction that cancels an addition writes nothing. */
  deltas(): CounterDelta[] {
    return [...this.byKey.values()].filter((d) => !isZero(d.counters));
  }

  touchedUnits(): Set<string> {
    return new Set([...this.byKey.values()].map((d) => d.unitCode));
  }
}
