import { ratio } from '../rates';
import type { PeriodIndicatorCounts } from './indicator-counts';

const DAY_MS = 86_400_000;

/**
 * Every rate of issue 15, derived from a period's summed counts. A ratio in 0..1, or `null` when
 * its denominator is 0 (nothing to judge: PRODUCT.md). Formulas (docs/event-contract.md):
 */
export interface IndicatorRates {
  /** receivedOnline / receivedTotal — the channel share (v1, unchanged). */
  onlineRate: number | null;
  /** fullyOnline / receivedV2 — the 2026 target's indicator ("toàn trình", ≥ 80%). */
  fullyOnlineRate: number | null;
  /** receivedV2 / receivedTotal — how much of the period the v2 rates speak for. */
  v2ReceiptCoverage: number | null;
  /** componentsDigitized / receivedV2. */
  componentsDigitizedRate: number | null;
  /** resolvedOnTime / resolvedTotal — ahead of or on time (v1, unchanged). */
  onTimeRate: number | null;
  /** resolvedAhead / resolvedTotal. */
  aheadRate: number | null;
  /** resolvedLate / resolvedTotal. */
  lateRate: number | null;
  /**
   * (resolvedOnTime + open within deadline at the end) / (resolvedTotal + openAtEnd): the 766
   * progress rate of libs/domain `progress766Figures`, from the same four buckets.
   */
  progressRate766: number | null;
  /** handlingMsSum / handlingCount, in days (fractional). */
  averageHandlingDays: number | null;
  /** resultElectronic / resolvedV2. */
  resultElectronicRate: number | null;
  /** resultDigitized / resolvedV2. */
  resultDigitizedRate: number | null;
  /** (componentsDigitized + resultDigitized) / (receivedV2 + resolvedV2): dossier digitisation, receipt and result pooled. */
  digitisedRate: number | null;
  /** dataReused / resolvedV2. */
  dataReusedRate: number | null;
  /** paidOnline / (paidOnline + paidCounter). */
  onlinePaymentRate: number | null;
  /** ratedSatisfied / ratedCount. */
  satisfactionRate: number | null;
  /** ratingSum / ratedCount, on the 1–5 scale. */
  averageScore: number | null;
  /** feedbackResolvedOnTime / (feedbackResolvedOnTime + feedbackResolvedLate). */
  feedbackOnTimeRate: number | null;
  /** withdrawn / receivedTotal. */
  withdrawnRate: number | null;
}

export function indicatorRates(c: PeriodIndicatorCounts): IndicatorRates {
  const openWithinDeadline = c.openAtEnd - c.overdueAtEnd;
  const feedbackResolved = c.feedbackResolvedOnTime + c.feedbackResolvedLate;
  const handling = ratio(c.handlingMsSum, c.handlingCount);
  return {
    onlineRate: ratio(c.receivedOnline, c.receivedTotal),
    fullyOnlineRate: ratio(c.fullyOnline, c.receivedV2),
    v2ReceiptCoverage: ratio(c.receivedV2, c.receivedTotal),
    componentsDigitizedRate: ratio(c.componentsDigitized, c.receivedV2),
    onTimeRate: ratio(c.resolvedOnTime, c.resolvedTotal),
    aheadRate: ratio(c.resolvedAhead, c.resolvedTotal),
    lateRate: ratio(c.resolvedLate, c.resolvedTotal),
    progressRate766: ratio(c.resolvedOnTime + openWithinDeadline, c.resolvedTotal + c.openAtEnd),
    averageHandlingDays: handling === null ? null : handling / DAY_MS,
    resultElectronicRate: ratio(c.resultElectronic, c.resolvedV2),
    resultDigitizedRate: ratio(c.resultDigitized, c.resolvedV2),
    digitisedRate: ratio(c.componentsDigitized + c.resultDigitized, c.receivedV2 + c.resolvedV2),
    dataReusedRate: ratio(c.dataReused, c.resolvedV2),
    onlinePaymentRate: ratio(c.paidOnline, c.paidOnline + c.paidCounter),
    satisfactionRate: ratio(c.ratedSatisfied, c.ratedCount),
    averageScore: ratio(c.ratingSum, c.ratedCount),
    feedbackOnTimeRate: ratio(c.feedbackResolvedOnTime, feedbackResolved),
    withdrawnRate: ratio(c.withdrawn, c.receivedTotal),
  };
}
