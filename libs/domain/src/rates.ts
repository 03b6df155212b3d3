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
