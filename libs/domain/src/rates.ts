import type { DayCounters } from './day-counters';

/** `numerator / denominator`, or `null` when there is nothing to divide (PRODUCT.md). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

export function onlineRate(c: DayCounters): number | null {
  return ratio(c.receivedOnline, c.receivedTotal);
}

export function onTimeRate(c: DayCounters): number | null {
  return ratio(c.resolvedOnTime, c.resolvedTotal);
}

/** A ratio as the UI shows it: a percentage with two decimals and a Vietnamese decimal comma. */
export function formatPercentVi(rate: number | null): string {
  if (rate === null) return '—';
  // 57/800 * 10000 is 712.4999999999999 in floating point; nudge so exact halves round up.
  return `${(Math.round(rate * 10000 + 1e-7) / 100).toFixed(2).replace('.', ',')}%`;
}
