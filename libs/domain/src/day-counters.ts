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

export const COUNTER_FIELDS: readonly (keyof DayCounters)[] = ['receivedTotal', 'receivedOnline', 'receivedDirect', 'resolvedTotal', 'resolvedOnTime', 'resolvedLate'];

/**
 * How one unit's two end-of-day gauges changed on one local day: dossiers open (received or
 * flagged LATE, not resolved) and, of those, overdue. The gauge at the end of day D is the sum of
 * the changes of every day up to D — a prefix sum over day rows, so the 766 rate of any past
 * period is a sum, not a pass over every dossier (BENCHMARKS.md, "API under load").
 */
export interface DayGaugeChanges {
  openChange: number;
  overdueChange: number;
}

export const GAUGE_CHANGE_FIELDS: readonly (keyof DayGaugeChanges)[] = ['openChange', 'overdueChange'];

/** Everything stored per unit and local day: the counters and the gauge changes. */
export type DayFacts = DayCounters & DayGaugeChanges;

export const DAY_FACT_FIELDS: readonly (keyof DayFacts)[] = [...COUNTER_FIELDS, ...GAUGE_CHANGE_FIELDS];

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

export function zeroDayFacts(): DayFacts {
  return { receivedTotal: 0, receivedOnline: 0, receivedDirect: 0, resolvedTotal: 0, resolvedOnTime: 0, resolvedLate: 0, openChange: 0, overdueChange: 0 };
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

export function isZero(c: DayFacts): boolean {
  for (const f of DAY_FACT_FIELDS) if (c[f] !== 0) return false;
  return true;
}

/** A change to one unit's day facts on one local day. */
export interface CounterDelta {
  unitCode: string;
  day: LocalDate;
  counters: DayFacts;
}

/**
 * Accumulates deltas per (unit, day) so a batch of any size becomes one row per touched
 * (unit, day): memory is bounded by units × days touched, not by events.
 */
export class CounterDeltaAccumulator {
  private readonly byKey = new Map<string, CounterDelta>();

  /** Adds `by` to one field of one row: the fold's hot path (no change object, no loop over fields). */
  bump(unitCode: string, day: LocalDate, field: keyof DayFacts, by: number): void {
    this.factsOf(unitCode, day)[field] += by;
  }

  /** The facts of one (unit, day) row of this batch, created at zero, for a fold that adds to several fields of it. */
  factsOf(unitCode: string, day: LocalDate): DayFacts {
    const key = `${unitCode}|${day}`;
    let delta = this.byKey.get(key);
    if (!delta) {
      delta = { unitCode, day, counters: zeroDayFacts() };
      this.byKey.set(key, delta);
    }
    return delta.counters;
  }

  /** Non-zero deltas only: a retraction that cancels an addition writes nothing. */
  deltas(): CounterDelta[] {
    return [...this.byKey.values()].filter((d) => !isZero(d.counters));
  }
}
