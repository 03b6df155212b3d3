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
  /**
   * The unit's version (PostgreSQL `unit_versions`) read before these figures: every transaction
   * that can change them raises it, so a snapshot of a lower version is older than one of a higher
   * version, and Redis and the notifier keep the higher (`isOlderSnapshot`). Absent from a snapshot
   * written before it existed, which counts as 0.
   */
  version?: number;
}

/**
 * How long after its `asOf` a snapshot's version refuses lower ones. The writers it guards against
 * read a few seconds before the newer one (a flush under way across a group join); past this, a
 * higher version that nobody has written again since is nobody's (PostgreSQL restored from a
 * backup, its versions lower), and must not hold a unit's figures still.
 */
export const SNAPSHOT_VERSION_HOLDS_MS = 60_000;

/**
 * `candidate` is older than `held`: a lower version, while `held`'s still holds by `candidate`'s
 * clock (SNAPSHOT_VERSION_HOLDS_MS). Equal versions carry the same batches, and the later one wins
 * (its overdue count, a gauge of time, is the newer).
 */
export function isOlderSnapshot(candidate: Pick<UnitSnapshot, 'version' | 'asOf'>, held: Pick<UnitSnapshot, 'version' | 'asOf'>): boolean {
  return (candidate.version ?? 0) < (held.version ?? 0) && !(Date.parse(candidate.asOf) - Date.parse(held.asOf) > SNAPSHOT_VERSION_HOLDS_MS);
}
