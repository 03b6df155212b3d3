import { updatedRows } from './alerts-deliveries.repository';
import type { Sql } from './sql';

/**
 * Grouped notifications (issue 15): one row per message a rule's receivers get, built from the
 * log by the notifier's grouping stage. Everything here runs inside that stage's transaction,
 * under the grouping lock, so the notification, the transitions it covers and its deliveries are
 * written together or not at all. Times are the database's (`now()`): group_wait and
 * group_interval are about real time between messages, and every instance reads the same clock.
 */

/**
 * A notified transition (alias `t`) that no notification covers yet. Not one delivered on its own
 * (before issue 15's migration, or by a notifier of the previous version still publishing during
 * a rolling upgrade): its receivers have it already.
 */
export const UNGROUPED_TRANSITION = `t.notify AND t.notification_id IS NULL AND NOT t.notified_singly
  AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.transition_id = t.id)`;

/**
 * Taken for the rest of the transaction, without waiting: another instance holding it is
 * grouping, and whatever is due it notifies. Keyed by schema like the other alert-log locks.
 */
export async function tryGroupingLock(sql: Sql): Promise<boolean> {
  const [row]: { locked: boolean }[] = await sql.query(`SELECT pg_try_advisory_xact_lock(hashtext('tthc.alert_groups:' || current_schema())) AS locked`);
  return row.locked;
}

/** Whether a notified transition waits for a notification (a probe on the partial index). */
export async function hasUngroupedTransitions(sql: Sql): Promise<boolean> {
  const rows: unknown[] = await sql.query(`SELECT 1 FROM alert_transitions t WHERE ${UNGROUPED_TRANSITION} LIMIT 1`);
  return rows.length > 0;
}

export interface PendingGroup {
  ruleId: string;
  /** When its oldest waiting transition was recorded (database clock, ms). */
  oldestAt: number;
  waiting: number;
  last?: { at: number; continues: boolean; sequence: number };
}

/** The rules with transitions waiting, each with its latest notification, and the database's now. */
export async function pendingGroups(sql: Sql): Promise<{ now: number; groups: PendingGroup[] }> {
  const rows: { rule_id: string; oldest: Date; waiting: number; last_at: Date | null; last_continues: boolean | null; last_sequence: number | null; now: Date }[] = await sql.query(
    `WITH pending AS (
         SELECT a.rule_id, min(t.recorded_at) AS oldest, count(*)::int AS waiting
           FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id
          WHERE ${UNGROUPED_TRANSITION}
          GROUP BY a.rule_id)
       SELECT p.rule_id, p.oldest, p.waiting, l.created_at AS last_at, l.continues AS last_continues, l.sequence AS last_sequence,
              clock_timestamp() AS now
         FROM pending p
         LEFT JOIN LATERAL (SELECT created_at, continues, sequence FROM alert_notifications n
                             WHERE n.rule_id = p.rule_id ORDER BY n.sequence DESC LIMIT 1) l ON true
        ORDER BY p.rule_id`,
  );
  const [clock]: { now: Date }[] = rows.length > 0 ? [rows[0]] : await sql.query(`SELECT clock_timestamp() AS now`);
  return {
    now: new Date(clock.now).getTime(),
    groups: rows.map((r) => ({
      ruleId: r.rule_id,
      oldestAt: new Date(r.oldest).getTime(),
      waiting: r.waiting,
      last: r.last_at === null ? undefined : { at: new Date(r.last_at).getTime(), continues: r.last_continues === true, sequence: r.last_sequence ?? 0 },
    })),
  };
}

/** Units of the rule firing now (open or acknowledged): the "đang vi phạm" of a notification. */
export async function breachingUnits(sql: Sql, ruleId: string): Promise<number> {
  const [row]: { n: number }[] = await sql.query(`SELECT count(*)::int AS n FROM alerts WHERE rule_id = $1 AND state IN ('OPEN', 'ACKNOWLEDGED')`, [ruleId]);
  return row.n;
}

/** The rule as its latest alert recorded it: for transitions of a rule no longer configured. */
export async function recordedRuleOf(sql: Sql, ruleId: string): Promise<{ metric: string; comparison: string; target: number; windowName: string; severity: string; scope: string } | undefined> {
  const rows: { metric: string; comparison: string; target: number; windowName: string; severity: string; scope: string }[] = await sql.query(
    `SELECT metric, comparison, target, window_name AS "windowName", severity, scope FROM alerts WHERE rule_id = $1 ORDER BY started_at DESC LIMIT 1`,
    [ruleId],
  );
  return rows[0];
}

/** The id the next notification will have, drawn first so its body can carry it. */
export async function nextNotificationId(sql: Sql): Promise<number> {
  const [row]: { id: string }[] = await sql.query(`SELECT nextval(pg_get_serial_sequence('alert_notifications', 'id'))::text AS id`);
  return Number(row.id);
}

export interface NotificationWrite {
  id: number;
  ruleId: string;
  sequence: number;
  createdAt: number;
  counts: { fired: number; worsened: number; resolved: number; acknowledged: number };
  continues: boolean;
  body: string;
  transitionIds: number[];
}

/**
 * Writes a notification, points the transitions it covers at it and queues its deliveries, one
 * per receiver URL. A transition another notification already covers is an error (the grouping
 * lock makes that impossible), not something to paper over.
 */
export async function saveNotification(sql: Sql, n: NotificationWrite, urls: string[]): Promise<void> {
  const c = n.counts;
  await sql.query(
    `INSERT INTO alert_notifications (id, rule_id, sequence, created_at, units, fired, worsened, resolved, acknowledged, continues, body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [n.id, n.ruleId, n.sequence, new Date(n.createdAt).toISOString(), c.fired + c.worsened + c.resolved + c.acknowledged, c.fired, c.worsened, c.resolved, c.acknowledged, n.continues, n.body],
  );
  const linked: unknown[] = await sql.query(`UPDATE alert_transitions SET notification_id = $1 WHERE id = ANY($2::bigint[]) AND notification_id IS NULL RETURNING id`, [n.id, n.transitionIds]);
  const count = updatedRows(linked).length;
  if (count !== n.transitionIds.length) {
    throw new Error(`notification ${n.id} covers ${n.transitionIds.length} transitions but ${count} were still unnotified`);
  }
  if (urls.length === 0) return;
  await sql.query(
    `INSERT INTO alert_deliveries (notification_id, url, body)
     SELECT $1, u.url, $2 FROM unnest($3::text[]) AS u(url)
     ON CONFLICT (notification_id, url) WHERE notification_id IS NOT NULL DO NOTHING`,
    [n.id, n.body, urls],
  );
}

export interface NotificationRow {
  id: number;
  ruleId: string;
  sequence: number;
  createdAt: string;
  units: number;
  fired: number;
  worsened: number;
  resolved: number;
  acknowledged: number;
  continues: boolean;
}

/** Notifications, newest first, optionally those of one rule or listing one unit. */
export async function listNotifications(sql: Sql, filter: { ruleId?: string; unitCode?: string; limit?: number } = {}): Promise<NotificationRow[]> {
  const rows: (Omit<NotificationRow, 'id' | 'createdAt'> & { id: string; createdAt: Date })[] = await sql.query(
    `SELECT n.id::text, n.rule_id AS "ruleId", n.sequence, n.created_at AS "createdAt", n.units, n.fired, n.worsened, n.resolved,
            n.acknowledged, n.continues
       FROM alert_notifications n
      WHERE ($1::text IS NULL OR n.rule_id = $1)
        AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id
                                          WHERE t.notification_id = n.id AND a.unit_code = $2))
      ORDER BY n.id DESC
      LIMIT $3`,
    [filter.ruleId ?? null, filter.unitCode ?? null, filter.limit ?? 500],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(r.createdAt).toISOString() }));
}

/** One notification's body as its receivers got it (the JSON they verify), or undefined. */
export async function notificationBody(sql: Sql, id: number): Promise<string | undefined> {
  const rows: { body: string }[] = await sql.query(`SELECT body FROM alert_notifications WHERE id = $1`, [id]);
  return rows[0]?.body;
}
