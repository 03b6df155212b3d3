import { type DayCounters, zeroCounters, addInto } from './day-counters';
import { onlineRate, onTimeRate } from './rates';
import type { LocalDate } from './local-day';

/** The metrics object of PRODUCT.md's HTTP API. */
export interface UnitMetrics extends DayCounters {
  unitCode: string;
  from: LocalDate;
  to: LocalDate;
  onlineRate: number | null;
  onTimeRate: number | null;
  overdueOpen: number;
}

export function toUnitMetrics(unitCode: string, from: LocalDate, to: LocalDate, counters: DayCounters, overdueOpen: number): UnitMetrics {
  const c = addInto(zeroCounters(), counters);
  return {
    unitCode,
    from,
    to,
    receivedTotal: c.receivedTotal,
    receivedOnline: c.receivedOnline,
    receivedDirect: c.receivedDirect,
    onlineRate: onlineRate(c),
    resolvedTotal: c.resolvedTotal,
    resolvedOnTime: c.resolvedOnTime,
    resolvedLate: c.resolvedLate,
    onTimeRate: onTimeRate(c),
    overdueOpen,
  };
}
