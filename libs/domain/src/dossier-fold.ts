import { CounterDeltaAccumulator } from './day-counters';
import type { Channel, DossierEvent, PaymentMethod } from './dossier-event';
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
  /** v2 only (both or neither): see `DossierEvent`. */
  fullyOnline?: boolean;
  componentsDigitized?: boolean;
}

export interface ResolutionFact extends DossierFact {
  /** v2 only (all three or none): see `DossierEvent`. */
  resultElectronic?: boolean;
  resultDigitized?: boolean;
  dataReused?: boolean;
}

export interface PaymentFact extends DossierFact {
  method: PaymentMethod;
}

export interface RatingFact extends DossierFact {
  score: number;
}

/** Where the dossier's procedure code came from: see `procedurePrecedes`. */
export interface ProcedureSource {
  eventId: string;
  occurredAt: number;
  fromReceipt: boolean;
}

export interface DossierState {
  unitCode: string;
  dossierId: string;
  procedureCode: string;
  /** The event `procedureCode` was taken from; absent for a state stored before issue 15. */
  procedureSource?: ProcedureSource;
  receipt?: ReceiptFact;
  resolution?: ResolutionFact;
  lateFlag?: DossierFact;
  // v2 facts (issue 15): each is the earliest (occurredAt, eventId) event of its type, like the v1 ones.
  payment?: PaymentFact;
  rating?: RatingFact;
  feedback?: DossierFact;
  feedbackResolution?: DossierFact;
  withdrawal?: DossierFact;
}

function precedes(a: Pick<DossierFact, 'eventId' | 'occurredAt'>, b: Pick<DossierFact, 'eventId' | 'occurredAt'>): boolean {
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
  const facts = acc.factsOf(unit, localDayOf(r.occurredAt));
  facts.receivedTotal += sign;
  if (r.channel === 'ONLINE') facts.receivedOnline += sign;
  else facts.receivedDirect += sign;
}

function countResolution(acc: CounterDeltaAccumulator, unit: string, r: DossierFact, sign: 1 | -1): void {
  const facts = acc.factsOf(unit, localDayOf(r.occurredAt));
  facts.resolvedTotal += sign;
  if (isOnTime(r)) facts.resolvedOnTime += sign;
  else facts.resolvedLate += sign;
}

function candidate<T extends DossierFact>(current: T | undefined, offered: T): T {
  return current && !precedes(offered, current) ? current : offered;
}

/**
 * Applies one event to a dossier's state and records the counter changes it causes in `acc`.
 * Pure apart from writing into `acc`; returns the new state (the old one is not mutated).
 * Applying an event that was already applied changes nothing.
 */
export function applyDossierEvent(state: DossierState | undefined, event: DossierEvent, acc: CounterDeltaAccumulator): DossierState {
  const prev: DossierState = state ?? {
    unitCode: event.unitCode,
    dossierId: event.dossierId,
    procedureCode: event.procedureCode,
  };
  const next = withEvent(prev, event);
  if (next === prev) return prev;
  // Only what changed is retracted and re-added: the fact the event replaced, and the open and
  // overdue intervals (they depend on receipt, LATE flag and resolution together).
  const unit = prev.unitCode;
  if (next.receipt !== prev.receipt) {
    if (prev.receipt) countReceipt(acc, unit, prev.receipt, -1);
    countReceipt(acc, unit, next.receipt!, 1);
  }
  if (next.resolution !== prev.resolution) {
    if (prev.resolution) countResolution(acc, unit, prev.resolution, -1);
    countResolution(acc, unit, next.resolution!, 1);
  }
  const before = openIntervals(prev);
  const after = openIntervals(next);
  if (!sameInterval(before.open, after.open)) {
    countInterval(acc, unit, before.open, 'openChange', -1);
    countInterval(acc, unit, after.open, 'openChange', 1);
  }
  if (!sameInterval(before.overdue, after.overdue)) {
    countInterval(acc, unit, before.overdue, 'overdueChange', -1);
    countInterval(acc, unit, after.overdue, 'overdueChange', 1);
  }
  return next;
}

function sameInterval(a: Interval | undefined, b: Interval | undefined): boolean {
  return a === b || (!!a && !!b && a.from === b.from && a.until === b.until);
}

/**
 * Which event names the dossier's procedure: the winning RECEIVED, as in v1; before any RECEIVED
 * arrived, the earliest (occurredAt, eventId) event of any type. Per-procedure counters
 * (issue 15) need that choice to be independent of arrival order, like every other fact.
 */
function procedurePrecedes(a: ProcedureSource, b: ProcedureSource): boolean {
  if (a.fromReceipt !== b.fromReceipt) return a.fromReceipt;
  return precedes(a, b);
}

function withProcedure(prev: DossierState, next: DossierState, event: DossierEvent): DossierState {
  const offered: ProcedureSource = { eventId: event.eventId, occurredAt: event.occurredAt, fromReceipt: event.type === 'RECEIVED' };
  // A state stored before issue 15 has no source: its code came from its receipt if it has one
  // (so only an earlier RECEIVED replaces it), else from the first event to arrive.
  const current = prev.procedureSource ?? (prev.receipt ? { eventId: prev.receipt.eventId, occurredAt: prev.receipt.occurredAt, fromReceipt: true } : undefined);
  if (current && !procedurePrecedes(offered, current)) return next;
  return { ...next, procedureCode: event.procedureCode, procedureSource: offered };
}

/** The state with `event` folded in, or `prev` itself when the event establishes no new fact. */
function withEvent(prev: DossierState, event: DossierEvent): DossierState {
  return withProcedure(prev, withFact(prev, event), event);
}

function withFact(prev: DossierState, event: DossierEvent): DossierState {
  const fact = { eventId: event.eventId, occurredAt: event.occurredAt, dueAt: event.dueAt };
  switch (event.type) {
    case 'RECEIVED': {
      // The contract requires a channel on RECEIVED; ingest rejects one without it.
      const offered: ReceiptFact = { ...fact, channel: event.channel as Channel };
      if (event.fullyOnline !== undefined) {
        offered.fullyOnline = event.fullyOnline;
        offered.componentsDigitized = event.componentsDigitized === true;
      }
      const receipt = candidate(prev.receipt, offered);
      return sameFact(receipt, prev.receipt) ? prev : { ...prev, receipt };
    }
    case 'RESOLVED': {
      const offered: ResolutionFact = { ...fact };
      if (event.resultElectronic !== undefined) {
        offered.resultElectronic = event.resultElectronic;
        offered.resultDigitized = event.resultDigitized === true;
        offered.dataReused = event.dataReused === true;
      }
      const resolution = candidate(prev.resolution, offered);
      return sameFact(resolution, prev.resolution) ? prev : { ...prev, resolution };
    }
    case 'LATE':
      return withSlot(prev, 'lateFlag', fact);
    case 'PAID':
      return withSlot(prev, 'payment', { ...fact, method: event.method ?? 'COUNTER' });
    case 'RATED':
      return withSlot(prev, 'rating', { ...fact, score: event.score ?? 0 });
    case 'FEEDBACK_RECEIVED':
      return withSlot(prev, 'feedback', fact);
    case 'FEEDBACK_RESOLVED':
      return withSlot(prev, 'feedbackResolution', fact);
    case 'WITHDRAWN':
      return withSlot(prev, 'withdrawal', fact);
  }
}

type Slot = 'lateFlag' | 'payment' | 'rating' | 'feedback' | 'feedbackResolution' | 'withdrawal';

function withSlot<K extends Slot>(prev: DossierState, slot: K, offered: NonNullable<DossierState[K]>): DossierState {
  const current = prev[slot];
  const winner = candidate(current, offered);
  return sameFact(winner, current) ? prev : { ...prev, [slot]: winner };
}

/**
 * The half-open intervals [from, until) of instants at which the dossier is open, and open and
 * overdue, exactly as `isOverdueOpenAt` judges an instant: open from its receipt (or LATE flag,
 * for a dossier whose receipt never arrived) until its resolution; overdue from the first instant
 * past its deadline or its LATE flag, whichever comes first, but not before it is open.
 * `until` is undefined while unresolved; an interval is absent when it would be empty (a
 * resolution at or before the dossier opened or fell overdue).
 */
export interface Interval {
  from: number;
  until?: number;
}

export interface OpenIntervals {
  open?: Interval;
  overdue?: Interval;
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

function countInterval(acc: CounterDeltaAccumulator, unit: string, interval: Interval | undefined, field: 'openChange' | 'overdueChange', sign: 1 | -1): void {
  if (!interval) return;
  acc.bump(unit, localDayOf(interval.from), field, sign);
  if (interval.until !== undefined) acc.bump(unit, localDayOf(interval.until), field, -sign);
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
 * The earliest instant from which `before` and `after` can disagree on being overdue and open
 * (`isOverdueOpenAt`): until either state's overdue interval starts, neither is overdue, so a
 * change of state leaves every overdue count before that instant as it was. Infinity when
 * neither state has an overdue interval (a receipt whose deadline is far ahead, then resolved on
 * time, say). The live snapshot keeps a unit's overdue count until the earliest such instant of
 * the dossiers changed since it was counted (apps/aggregator `OverdueCounts`).
 */
export function overdueChangeFrom(before: DossierState | undefined, after: DossierState | undefined): number {
  const from = (s: DossierState | undefined) => (s && openIntervals(s).overdue?.from) ?? Infinity;
  return Math.min(from(before), from(after));
}

/**
 * Overdue open at instant `at` (PRODUCT.md): known to be open (received, or flagged LATE by
 * the source), not resolved by `at`, and either past its deadline or flagged LATE by `at` — that
 * is, `at` falls in the dossier's overdue interval. The rule itself lives in `openIntervals`;
 * the SQL form (libs/persistence `overdueOpenAtSql`) is pinned to this function by a test on the
 * real database.
 */
export function isOverdueOpenAt(state: DossierState, at: number): boolean {
  const { overdue } = openIntervals(state);
  return !!overdue && overdue.from <= at && (overdue.until === undefined || at < overdue.until);
}
