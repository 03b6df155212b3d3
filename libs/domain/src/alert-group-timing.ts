/**
 * When a rule's grouped notification is due (issue 15), in the manner of Alertmanager's
 * aggregation groups (dispatch/dispatch.go): a group that has been quiet waits `waitMs` after its
 * first new transition, so the units that breach together within that time go out together
 * (group_wait); after a notification, the next one of the same rule waits at least `intervalMs`
 * (group_interval), however many units breach or worsen meanwhile. Alertmanager's repeat_interval
 * has no counterpart: PRODUCT.md asks for a notification only for what is new, and the standing
 * picture is the grouped view (`GET /alerts/summary`, the dashboard).
 *
 * Times are milliseconds of one clock (the notifier reads the database's, so every instance
 * agrees on it).
 */
export interface GroupTiming {
  waitMs: number;
  intervalMs: number;
}

/** The rule's latest notification. */
export interface LastGroupNotification {
  at: number;
  /** It could not hold every pending unit (ALERT_GROUP_MAX_UNITS): the rest is due at once. */
  continues: boolean;
}

/**
 * The instant the rule's next notification is due, given when its oldest transition not yet
 * notified was recorded. A group counts as quiet once `intervalMs` has passed since its last
 * notification: then a new breach waits `waitMs` only, as a new Alertmanager group would.
 */
export function groupDueAt(oldestPendingAt: number, last: LastGroupNotification | undefined, timing: GroupTiming): number {
  if (last?.continues) return last.at;
  const afterWait = oldestPendingAt + timing.waitMs;
  return last === undefined ? afterWait : Math.max(afterWait, last.at + timing.intervalMs);
}
