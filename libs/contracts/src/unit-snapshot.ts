import type { DayCounters, LocalDate } from '@tthc/domain';

/** Counters over one live window, with the rates derived from them. */
export interface WindowFigures extends DayCounters {
  from: LocalDate;
  to: LocalDate;
  onlineRate: number | null;
  onTimeRate: number | null;
}

/**
 * A unit's live figures: what the aggregator writes to Redis and publishes on
 * `tthc.metrics.units` (compacted, key = unitCode). The notifier judges a unit's rules on them
 * for the windows they carry (apps/notifier evaluation/unit-figures.reader.ts) and reads any
 * other window from the day counters.
 */
export interface UnitSnapshot {
  unitCode: string;
  /** When these figures were computed (ISO-8601). */
  asOf: string;
  today: WindowFigures;
  monthToDate: WindowFigures;
  rolling30d: WindowFigures;
  overdueOpen: number;
}
