import { CounterDeltaAccumulator } from './day-counters';
import type { Channel, DossierEvent } from './dossier-event';
import { localDayOf } from './local-day';

/**
 * What is known about one dossier, folded from its events.
 *
 * Each fact keeps the event that established it. When several events claim the same fact
 * (a source re-sends RECEIVED with a new eventId, say), the one with the earliest
 * (occurredAt, eventId) wins. That choice does not depend on arrival order, which is what
 * makes the counters independent of duplicates, reordering and replays (PRODUCT.md).
 */
export interface DossierFact {
  eventId: string;
  occurredAt: number;
  dueAt: number;
}

export interface ReceiptFact extends DossierFact {
  channel: Channel;
}

export interface DossierState {
  unitCode: string;
  dossierId: string;
  procedureCode: string;
  receipt?: ReceiptFact;
  resolution?: DossierFact;
  lateFlag?: DossierFact;
}

function precedes(a: DossierFact, b: DossierFact): boolean {
  return a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.eventId < b.eventId);
}

function sameFact(a: DossierFact | undefined, b: DossierFact | undefined): boolean {
  return a === b || (!!a && !!b && a.eventId === b.eventId);
}

/** On time means returned at or before the deadline carried by the RESOLVED event. */
export function isOnTime(resolution: DossierFact): boolean {
  return resolution.occurredAt <= resolution.dueAt;
}

function countReceipt(acc: CounterDeltaAccumulator, unit: string, r: ReceiptFact, sign: 1 | -1): void {
  acc.add(unit, localDayOf(r.occurredAt), {
    receivedTotal: sign,
    receivedOnline: r.channel === 'ONLINE' ? sign : 0,
    receivedDirect: r.channel === 'DIRECT' ? sign : 0,
  });
}

function countResolution(acc: CounterDeltaAccumulator, unit: string, r: DossierFact, sign: 1 | -1): void {
  const onTime = isOnTime(r);
  acc.add(unit, localDayOf(r.occurredAt), {
    resolvedTotal: sign,
    resolvedOnTime: onTime ? sign : 0,
    resolvedLate: onTime ? 0 : sign,
  });
}

function candidate<T extends DossierFact>(current: T | undefined, offered: T): T {
  return current && !precedes(offered, current) ? current : offered;
}

/**
 * Applies one event to a dossier's state and records the counter changes it causes in `acc`.
 * Pure apart from writing into `acc`; returns the new state (the old one is not mutated).
 * Applying an event that was already applied changes nothing.
 */
export function applyDossierEvent(
  state: DossierState | undefined,
  event: DossierEvent,
  acc: CounterDeltaAccumulator,
): DossierState {
  const prev: DossierState = state ?? {
    unitCode: event.unitCode,
    dossierId: event.dossierId,
    procedureCode: event.procedureCode,
  };
  const next = withEvent(prev, event);
  if (next === prev) return prev;
  // Every counted fact is a function of the whole state (the open/overdue intervals depend on
  // receipt, LATE flag and resolution together), so a change retracts the old state's facts and
  // adds the new one's; the accumulator nets out whatever stays the same.
  if (state) countDossierFacts(acc, state, -1);
  countDossierFacts(acc, next, 1);
  return next;
}

/** The state with `event` folded in, or `prev` itself when the event establishes no new fact. */
function withEvent(prev: DossierState, event: DossierEvent): DossierState {
  const fact = { eventId: event.eventId, occurredAt: event.occurredAt, dueAt: event.dueAt };
  switch (event.type) {
    case 'RECEIVED': {
      // The contract requires a channel on RECEIVED; ingest rejects one without it.
      const receipt = candidate(prev.receipt, { ...fact, channel: event.channel as Channel });
      return sameFact(receipt, prev.receipt) ? prev : { ...prev, procedureCode: event.procedureCode, receipt };
    }
    case 'RESOLVED': {
      const resolution = candidate(prev.resolution, fact);
      return sameFact(resolution, prev.resolution) ? prev : { ...prev, resolution };
    }
    case 'LATE': {
      const lateFlag = candidate(prev.lateFlag, fact);
      return sameFact(lateFlag, prev.lateFlag) ? prev : { ...prev, lateFlag };
    }
  }
}

/**
 * The half-open intervals [from, until) of instants at which the dossier is open, and open and
 * overdue, exactly as `isOverdueOpenAt` judges an instant: open from its receipt (or LATE flag,
 * for a dossier whose receipt never arrived) until its resolution; overdue from the first instant
 * past its deadline or its LATE flag, whichever comes first, but not before it is open.
 * `until` is undefined while unresolved; an interval is absent when it would be empty (a
 * resolution at or before the dossier opened or fell overdue).
 */
export interface OpenIntervals {
  open?: { from: number; until?: number };
  overdue?: { from: number; until?: number };
}

export function openIntervals(state: DossierState): OpenIntervals {
  const opened = state.receipt ?? state.lateFlag;
  if (!opened) return {};
  const until = state.resolution?.occurredAt;
  const nonEmpty = (from: number) => (until === undefined || until > from ? { from, until } : undefined);
  // Instants are whole milliseconds: "past the deadline" starts 1 ms after it.
  const overdueFrom = Math.max(opened.occurredAt, Math.min(state.lateFlag?.occurredAt ?? Infinity, opened.dueAt + 1));
  return { open: nonEmpty(opened.occurredAt), overdue: nonEmpty(overdueFrom) };
}

function countInterval(
  acc: CounterDeltaAccumulator,
  unit: string,
  interval: { from: number; until?: number } | undefined,
  field: 'openChange' | 'overdueChange',
  sign: 1 | -1,
): void {
  if (!interval) return;
  acc.add(unit, localDayOf(interval.from), { [field]: sign });
  if (interval.until !== undefined) acc.add(unit, localDayOf(interval.until), { [field]: -sign });
}

/**
 * Adds (sign 1) or retracts (sign -1) everything a dossier state contributes to the day facts:
 * its receipt and resolution counters, and the edges of its open and overdue intervals as gauge
 * changes (+1 on the day an interval starts, −1 on the day it ends). Rebuilding a dossier is then:
 * retract the old state, add the new one.
 */
export function countDossierFacts(acc: CounterDeltaAccumulator, state: DossierState, sign: 1 | -1): void {
  if (state.receipt) countReceipt(acc, state.unitCode, state.receipt, sign);
  if (state.resolution) countResolution(acc, state.unitCode, state.resolution, sign);
  const intervals = openIntervals(state);
  countInterval(acc, state.unitCode, intervals.open, 'openChange', sign);
  countInterval(acc, state.unitCode, intervals.overdue, 'overdueChange', sign);
}

/** Folds a dossier's events from nothing, in any order: the state the log says it should have. */
export function foldDossier(events: Iterable<DossierEvent>): DossierState | undefined {
  let state: DossierState | undefined;
  const scratch = new CounterDeltaAccumulator();
  for (const e of events) state = applyDossierEvent(state, e, scratch);
  return state;
}

/**
 * Overdue open at instant `at` (PRODUCT.md): known to be open (received, or flagged LATE by
 * the source), not resolved by `at`, and either past its deadline or flagged LATE by `at`.
 */
export function isOverdueOpenAt(state: DossierState, at: number): boolean {
  const opened = state.receipt ?? state.lateFlag;
  if (!opened || opened.occurredAt > at) return false;
  if (state.resolution && state.resolution.occurredAt <= at) return false;
  if (state.lateFlag && state.lateFlag.occurredAt <= at) return true;
  return at > opened.dueAt;
}
