import type { LocalDate, WindowCounts } from '@tthc/domain';

/**
 * Counts over one live window, with the rates derived from them. Issue 15: besides the v1
 * counters (`receivedTotal` … `resolvedLate`) a window carries every v2 count the alert rules
 * can judge (`receivedV2`, `fullyOnline`, digitisation, payment, rating, feedback) and the
 * fully-online rate the 2026 target is set on. A snapshot written before issue 15 lacks them; a
 * reader treats such a window as not carried for a v2 figure and reads it from the store.
 */
export interface WindowFigures extends WindowCounts {
  from: LocalDate;
  to: LocalDate;
  onlineRate: number | null;
  onTimeRate: number | null;
  /** fullyOnline / receivedV2 ("toàn trình"), `null` when no v2 receipt is in the window. */
  fullyOnlineRate: number | null;
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
