import { type DossierState, isOnTime, isOverdueOpenAt } from './dossier-fold';
import { ratio } from './rates';

/**
 * The 766 progress rate (Decision 766/QĐ-TTg; PRODUCT.md, "Metrics — definitions"), judged for a
 * period that starts at instant `start` and ends at instant `at` (both inclusive, epoch ms; for a
 * period of local days, `at` is the last millisecond of its last day, or "now" if that is earlier).
 *
 * A dossier is **received or processed in the period** when either
 *  - it was **resolved in the period**: its RESOLVED `occurredAt` lies in [start, at], whenever it
 *    was received (a dossier received earlier and open at the period's start is processed in it); or
 *  - it was **open at the period's end**: known open (received, or flagged LATE) at or before `at`
 *    and not resolved by `at`. This covers both a dossier received in the period and one carried
 *    over from before it.
 * Dossiers received in the period are therefore all in, except one whose RESOLVED precedes its
 * own receipt and the period (a source anomaly), and a dossier resolved before the period is out.
 * The two cases never overlap, so every dossier in the period is in exactly one of four buckets:
 *
 *   resolvedOnTime + resolvedLate + openWithinDeadline + openOverdue = denominator
 *   resolvedOnTime + openWithinDeadline                               = numerator
 *
 * "On time" is the fold's `isOnTime` (resolved at or before the RESOLVED event's `dueAt`);
 * "overdue" at the period's end is the fold's `isOverdueOpenAt(state, at)` (past the deadline, or
 * flagged LATE), so `openOverdue` equals the `overdueOpen` gauge of the same period: an open
 * dossier past its deadline counts against the unit, which the plain on-time rate never sees.
 */
export interface Progress766Counts {
  resolvedOnTime: number;
  resolvedLate: number;
  openWithinDeadline: number;
  openOverdue: number;
}

export interface ProgressPeriod {
  /** First instant of the period (epoch ms, inclusive). */
  start: number;
  /** The period's end: its last instant (epoch ms, inclusive). */
  at: number;
}

export function zeroProgress766(): Progress766Counts {
  return { resolvedOnTime: 0, resolvedLate: 0, openWithinDeadline: 0, openOverdue: 0 };
}

/** Which of the four buckets `state` falls in for the period, or `undefined` when it is not in it. */
export function progress766Bucket(state: DossierState, period: ProgressPeriod): keyof Progress766Counts | undefined {
  // A period that has not begun yet (it starts after "now") holds nothing.
  if (period.at < period.start) return undefined;
  const { resolution } = state;
  if (resolution && resolution.occurredAt <= period.at) {
    if (resolution.occurredAt < period.start) return undefined;
    return isOnTime(resolution) ? 'resolvedOnTime' : 'resolvedLate';
  }
  const opened = state.receipt ?? state.lateFlag;
  if (!opened || opened.occurredAt > period.at) return undefined;
  return isOverdueOpenAt(state, period.at) ? 'openOverdue' : 'openWithinDeadline';
}

/** The four counts over a set of dossier states (one unit's, or a province's). */
export function progress766Counts(states: Iterable<DossierState>, period: ProgressPeriod): Progress766Counts {
  const counts = zeroProgress766();
  for (const s of states) {
    const bucket = progress766Bucket(s, period);
    if (bucket) counts[bucket] += 1;
  }
  return counts;
}

/** What a metrics object carries next to the plain on-time rate. */
export interface Progress766Figures {
  openWithinDeadline: number;
  progress766Numerator: number;
  progress766Denominator: number;
  /** `null` when no dossier was received or processed in the period. */
  progressRate766: number | null;
}

export function progress766Figures(c: Progress766Counts): Progress766Figures {
  const numerator = c.resolvedOnTime + c.openWithinDeadline;
  const denominator = numerator + c.resolvedLate + c.openOverdue;
  return {
    openWithinDeadline: c.openWithinDeadline,
    progress766Numerator: numerator,
    progress766Denominator: denominator,
    progressRate766: ratio(numerator, denominator),
  };
}
