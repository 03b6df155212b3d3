import { SATISFIED_FROM_SCORE } from '../dossier-event';
import { type DossierFact, type DossierState, isOnTime, openIntervals } from '../dossier-fold';
import { type LocalDate, localDayOf } from '../local-day';
import { type IndicatorCounts, type IndicatorDelta, type IndicatorField, isZeroIndicatorCounts, zeroIndicatorCounts } from './indicator-counts';

/**
 * Accumulates indicator deltas per (unit, procedure, day), so a batch of any size becomes one
 * row per touched (unit, procedure, day): memory bounded by what the batch touches, not by events.
 */
export class IndicatorDeltaAccumulator {
  private readonly byKey = new Map<string, IndicatorDelta>();

  bump(unitCode: string, procedureCode: string, day: LocalDate, field: IndicatorField, by: number): void {
    if (by === 0) return;
    const key = `${unitCode}\u0000${procedureCode}\u0000${day}`;
    let delta = this.byKey.get(key);
    if (!delta) {
      delta = { unitCode, procedureCode, day, counts: zeroIndicatorCounts() };
      this.byKey.set(key, delta);
    }
    delta.counts[field] += by;
  }

  /** Non-zero deltas only: a retraction that cancels an addition writes nothing. */
  deltas(): IndicatorDelta[] {
    return [...this.byKey.values()].filter((d) => !isZeroIndicatorCounts(d.counts));
  }
}

/**
 * "Ahead of time" (trước hạn): resolved on time, on an earlier local day than its deadline's.
 * The decision counts ahead/on time/late by date; a dossier returned at 09:00 on its due day is
 * on time, not ahead.
 */
export function isAhead(resolution: DossierFact): boolean {
  return isOnTime(resolution) && localDayOf(resolution.occurredAt) < localDayOf(resolution.dueAt);
}

/**
 * Adds (sign 1) or retracts (sign −1) everything a dossier state contributes to the indicator day
 * rows, all under the dossier's procedure. A changed dossier is rebuilt as "retract the old state,
 * add the new one", so a change of any winner (or of the procedure) moves its counts exactly once
 * (the same scheme as `countDossierFacts` for the unit day rows).
 */
export function countIndicatorFacts(acc: IndicatorDeltaAccumulator, state: DossierState, sign: 1 | -1): void {
  const unit = state.unitCode;
  const proc = state.procedureCode;
  const bump = (at: number, field: IndicatorField, by = 1) => acc.bump(unit, proc, localDayOf(at), field, sign * by);
  const { receipt, resolution } = state;
  if (receipt) {
    bump(receipt.occurredAt, 'receivedTotal');
    bump(receipt.occurredAt, receipt.channel === 'ONLINE' ? 'receivedOnline' : 'receivedDirect');
    if (receipt.fullyOnline !== undefined) {
      bump(receipt.occurredAt, 'receivedV2');
      if (receipt.fullyOnline) bump(receipt.occurredAt, 'fullyOnline');
      if (receipt.componentsDigitized) bump(receipt.occurredAt, 'componentsDigitized');
    }
  }
  if (resolution) {
    const at = resolution.occurredAt;
    bump(at, 'resolvedTotal');
    bump(at, isOnTime(resolution) ? 'resolvedOnTime' : 'resolvedLate');
    if (isAhead(resolution)) bump(at, 'resolvedAhead');
    // Handling time needs both ends; a RESOLVED stamped before its own receipt is a source
    // anomaly and stays out of the average rather than pulling it below zero.
    if (receipt && receipt.occurredAt <= at) {
      bump(at, 'handlingCount');
      bump(at, 'handlingMsSum', at - receipt.occurredAt);
    }
    if (resolution.resultElectronic !== undefined) {
      bump(at, 'resolvedV2');
      if (resolution.resultElectronic) bump(at, 'resultElectronic');
      if (resolution.resultDigitized) bump(at, 'resultDigitized');
      if (resolution.dataReused) bump(at, 'dataReused');
    }
  }
  if (state.payment) bump(state.payment.occurredAt, state.payment.method === 'ONLINE' ? 'paidOnline' : 'paidCounter');
  if (state.rating) {
    bump(state.rating.occurredAt, 'ratedCount');
    bump(state.rating.occurredAt, 'ratingSum', state.rating.score);
    if (state.rating.score >= SATISFIED_FROM_SCORE) bump(state.rating.occurredAt, 'ratedSatisfied');
  }
  if (state.feedback) bump(state.feedback.occurredAt, 'feedbackReceived');
  if (state.feedbackResolution) {
    bump(state.feedbackResolution.occurredAt, isOnTime(state.feedbackResolution) ? 'feedbackResolvedOnTime' : 'feedbackResolvedLate');
  }
  if (state.withdrawal) bump(state.withdrawal.occurredAt, 'withdrawn');
  const { open, overdue } = openIntervals(state);
  for (const [interval, field] of [
    [open, 'openChange'],
    [overdue, 'overdueChange'],
  ] as const) {
    if (!interval) continue;
    bump(interval.from, field);
    if (interval.until !== undefined) bump(interval.until, field, -1);
  }
}

/** The change from `before` to `after` of one dossier (either may be absent). */
export function indicatorChange(acc: IndicatorDeltaAccumulator, before: DossierState | undefined, after: DossierState | undefined): void {
  if (before === after) return;
  if (before) countIndicatorFacts(acc, before, -1);
  if (after) countIndicatorFacts(acc, after, 1);
}

/** Every day row a set of dossier states adds up to: the reference the stored rows are checked against. */
export function indicatorRowsOf(states: Iterable<DossierState>): IndicatorDelta[] {
  const acc = new IndicatorDeltaAccumulator();
  for (const s of states) countIndicatorFacts(acc, s, 1);
  return acc.deltas();
}

export type { IndicatorCounts };
