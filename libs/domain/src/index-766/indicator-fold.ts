import { SATISFIED_FROM_SCORE } from '../dossier-event';
import { type DossierFact, type DossierState, isOnTime, openIntervals } from '../dossier-fold';
import { type LocalDate, localDayOf } from '../local-day';
import { type IndicatorCounts, type IndicatorDelta, isZeroIndicatorCounts, zeroIndicatorCounts } from './indicator-counts';

/**
 * Accumulates indicator deltas per (unit, procedure, day), so a batch of any size becomes one
 * row per touched (unit, procedure, day): memory bounded by what the batch touches, not by events.
 */
export class IndicatorDeltaAccumulator {
  private readonly byKey = new Map<string, IndicatorDelta>();

  /** The counts of one (unit, procedure, day) row of this batch, created at zero: the fold adds to its fields directly. */
  countsOf(unitCode: string, procedureCode: string, day: LocalDate): IndicatorCounts {
    const key = `${unitCode}\u0000${procedureCode}\u0000${day}`;
    let delta = this.byKey.get(key);
    if (!delta) {
      delta = { unitCode, procedureCode, day, counts: zeroIndicatorCounts() };
      this.byKey.set(key, delta);
    }
    return delta.counts;
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
  // One row look-up per fact, not per field: this runs twice for every changed dossier of a batch.
  const countsAt = (at: number) => acc.countsOf(unit, proc, localDayOf(at));
  const { receipt, resolution } = state;
  if (receipt) {
    const c = countsAt(receipt.occurredAt);
    c.receivedTotal += sign;
    if (receipt.channel === 'ONLINE') c.receivedOnline += sign;
    else c.receivedDirect += sign;
    if (receipt.fullyOnline !== undefined) {
      c.receivedV2 += sign;
      if (receipt.fullyOnline) c.fullyOnline += sign;
      if (receipt.componentsDigitized) c.componentsDigitized += sign;
    }
  }
  if (resolution) {
    const at = resolution.occurredAt;
    const c = countsAt(at);
    c.resolvedTotal += sign;
    if (isOnTime(resolution)) c.resolvedOnTime += sign;
    else c.resolvedLate += sign;
    if (isAhead(resolution)) c.resolvedAhead += sign;
    // Handling time needs both ends; a RESOLVED stamped before its own receipt is a source
    // anomaly and stays out of the average rather than pulling it below zero.
    if (receipt && receipt.occurredAt <= at) {
      c.handlingCount += sign;
      c.handlingMsSum += sign * (at - receipt.occurredAt);
    }
    if (resolution.resultElectronic !== undefined) {
      c.resolvedV2 += sign;
      if (resolution.resultElectronic) c.resultElectronic += sign;
      if (resolution.resultDigitized) c.resultDigitized += sign;
      if (resolution.dataReused) c.dataReused += sign;
    }
  }
  if (state.payment) {
    const c = countsAt(state.payment.occurredAt);
    if (state.payment.method === 'ONLINE') c.paidOnline += sign;
    else c.paidCounter += sign;
  }
  if (state.rating) {
    const c = countsAt(state.rating.occurredAt);
    c.ratedCount += sign;
    c.ratingSum += sign * state.rating.score;
    if (state.rating.score >= SATISFIED_FROM_SCORE) c.ratedSatisfied += sign;
  }
  if (state.feedback) countsAt(state.feedback.occurredAt).feedbackReceived += sign;
  if (state.feedbackResolution) {
    const c = countsAt(state.feedbackResolution.occurredAt);
    if (isOnTime(state.feedbackResolution)) c.feedbackResolvedOnTime += sign;
    else c.feedbackResolvedLate += sign;
  }
  if (state.withdrawal) countsAt(state.withdrawal.occurredAt).withdrawn += sign;
  const { open, overdue } = openIntervals(state);
  if (open) {
    countsAt(open.from).openChange += sign;
    if (open.until !== undefined) countsAt(open.until).openChange -= sign;
  }
  if (overdue) {
    countsAt(overdue.from).overdueChange += sign;
    if (overdue.until !== undefined) countsAt(overdue.until).overdueChange -= sign;
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
