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
  const fact = { eventId: event.eventId, occurredAt: event.occurredAt, dueAt: event.dueAt };
  const unit = prev.unitCode;

  switch (event.type) {
    case 'RECEIVED': {
      // The contract requires a channel on RECEIVED; ingest rejects one without it.
      const receipt = candidate(prev.receipt, { ...fact, channel: event.channel as Channel });
      if (sameFact(receipt, prev.receipt)) return prev;
      if (prev.receipt) countReceipt(acc, unit, prev.receipt, -1);
      countReceipt(acc, unit, receipt, 1);
      return { ...prev, procedureCode: event.procedureCode, receipt };
    }
    case 'RESOLVED': {
      const resolution = candidate(prev.resolution, fact);
      if (sameFact(resolution, prev.resolution)) return prev;
      if (prev.resolution) countResolution(acc, unit, prev.resolution, -1);
      countResolution(acc, unit, resolution, 1);
      return { ...prev, resolution };
    }
    case 'LATE': {
      const lateFlag = candidate(prev.lateFlag, fact);
      return sameFact(lateFlag, prev.lateFlag) ? prev : { ...prev, lateFlag };
    }
  }
}

/**
 * Adds (sign 1) or retracts (sign -1) everything a dossier state contributes to the counters.
 * Rebuilding a dossier is then: retract the old state, add the new one.
 */
export function countDossierFacts(acc: CounterDeltaAccumulator, state: DossierState, sign: 1 | -1): void {
  if (state.receipt) countReceipt(acc, state.unitCode, state.receipt, sign);
  if (state.resolution) countResolution(acc, state.unitCode, state.resolution, sign);
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
