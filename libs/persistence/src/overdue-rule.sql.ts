import { LOCAL_TIME_ZONE } from '@tthc/domain';

/**
 * PRODUCT.md's overdue rule in SQL, written once (issue 14). libs/domain owns the rule
 * (`openIntervals`, and `isOverdueOpenAt` derived from it); every query here uses these
 * fragments, and test/overdue-rule.e2e-spec.ts runs them on the real database against the domain
 * function on the same dossiers and instants, so the two cannot drift apart.
 *
 * A dossier is described by four instants (SQL expressions): when it opened (its receipt, or its
 * LATE flag when no receipt arrived), the deadline of that fact, its earliest LATE flag and its
 * resolution. It is open at T when opened ≤ T < resolved, and overdue at T when, in addition,
 * T is past the deadline (instants are whole milliseconds: from 1 ms after it) or the LATE flag
 * was raised by T.
 */
export interface DossierTimes {
  openedAt: string;
  dueAt: string;
  lateAt: string;
  resolvedAt: string;
}

/** The instants of a `dossiers` row. */
export const DOSSIERS_TABLE: DossierTimes = {
  openedAt: 'COALESCE(received_at, late_flagged_at)',
  dueAt: 'COALESCE(receipt_due_at, late_due_at)',
  lateAt: 'late_flagged_at',
  resolvedAt: 'resolved_at',
};

/**
 * `overdueFrom(DOSSIERS_TABLE)` as `dossiers` stores it: a generated column (migration
 * 1765000000000), indexed with the unit over the open dossiers (`resolved_at IS NULL`), so the
 * overdue ones of a unit are one index range. test/overdue-rule.e2e-spec.ts checks it equals the
 * expression on arbitrary dossiers.
 */
export const DOSSIERS_OVERDUE_FROM = 'overdue_from';

/** A relation that already has the columns opened_at, due_at, late_at, resolved_at. */
export const TIMES_COLUMNS: DossierTimes = { openedAt: 'opened_at', dueAt: 'due_at', lateAt: 'late_at', resolvedAt: 'resolved_at' };

/** When a deadline makes a dossier overdue: 1 ms after it. */
export const pastDeadlineFrom = (dueAt: string): string => `(${dueAt} + interval '1 millisecond')`;

/** The instant from which the dossier is overdue while it stays open (the start of its overdue interval). */
export const overdueFrom = (t: DossierTimes): string => `GREATEST(${t.openedAt}, LEAST(COALESCE(${t.lateAt}, 'infinity'::timestamptz), ${pastDeadlineFrom(t.dueAt)}))`;

const unresolvedAt = (t: DossierTimes, at: string) => `(${t.resolvedAt} IS NULL OR ${t.resolvedAt} > ${at})`;

/** Open at `at`: opened by then and not resolved by then. */
export const openAtSql = (t: DossierTimes, at: string): string => `(${t.openedAt} <= ${at} AND ${unresolvedAt(t, at)})`;

/** Open and overdue at `at` (libs/domain `isOverdueOpenAt`). */
export const overdueOpenAtSql = (t: DossierTimes, at: string): string => `(${overdueFrom(t)} <= ${at} AND ${unresolvedAt(t, at)})`;

/**
 * Rows whose deadline makes them overdue inside [from, to): the dossiers that can change a
 * period's overdue gauge with no event in it. `dueAt` is a plain column so an index on it serves.
 */
export const deadlinePassesIn = (from: string, to: string, dueAt = 'due_at'): string =>
  `${dueAt} >= ${from}::timestamptz - interval '1 millisecond' AND ${dueAt} < ${to}::timestamptz - interval '1 millisecond'`;

/** The local calendar day (Asia/Ho_Chi_Minh) of an instant. */
export const localDaySql = (instant: string): string => `(${instant} AT TIME ZONE '${LOCAL_TIME_ZONE}')::date`;
