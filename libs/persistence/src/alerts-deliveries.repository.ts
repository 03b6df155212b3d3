import { redactUrl, redactUrlsIn } from '@tthc/platform';
import type { Sql } from './sql';

/** TypeORM's postgres driver answers UPDATE … RETURNING with `[rows, affectedCount]`, SELECT and INSERT with the rows. */
export function updatedRows<T>(result: unknown[]): T[] {
  return (result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as T[];
}

/**
 * The webhook outbox (issues 3 and 15): one row per message × receiver URL. Since issue 15 a
 * message is a grouped notification (alerts-notifications.repository.ts writes its rows in the
 * transaction that writes the notification); rows queued before that belong to one transition
 * each and are still sent as they were queued. Retry timing uses the database clock (`now()`):
 * backoff is about real time between HTTP attempts, not the business clock the rules evaluate
 * against.
 */
export interface DueDelivery {
  id: number;
  /** The grouped notification this delivers; `null` for a row queued per transition before issue 15. */
  notificationId: number | null;
  transitionId: number | null;
  url: string;
  body: string;
  attempts: number;
}

/**
 * Claims due deliveries for `leaseMs`: their next attempt is pushed past the lease, so another
 * worker (or this one after a crash) retries them only if this attempt never reports back.
 * Oldest first, so a receiver mostly sees messages in the order they were built.
 */
export async function claimDueDeliveries(sql: Sql, limit: number, leaseMs: number): Promise<DueDelivery[]> {
  const result: unknown[] = await sql.query(
    `UPDATE alert_deliveries d SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000)
      WHERE d.id IN (SELECT id FROM alert_deliveries WHERE state = 'PENDING' AND next_attempt_at <= now()
                      ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING d.id::text, d.notification_id::text, d.transition_id::text, d.url, d.body, d.attempts`,
    [limit, leaseMs],
  );
  const num = (v: string | null) => (v === null ? null : Number(v));
  return updatedRows<{ id: string; notification_id: string | null; transition_id: string | null; url: string; body: string; attempts: number }>(result)
    .map((r) => ({ id: Number(r.id), notificationId: num(r.notification_id), transitionId: num(r.transition_id), url: r.url, body: r.body, attempts: r.attempts }))
    .sort((a, b) => a.id - b.id);
}

export async function markDelivered(sql: Sql, id: number, status: number): Promise<void> {
  await sql.query(
    `UPDATE alert_deliveries SET state = 'DELIVERED', attempts = attempts + 1, last_status = $2, last_error = NULL, delivered_at = now()
      WHERE id = $1`,
    [id, status],
  );
}

/** A failed attempt: retry after `retryInMs`, or, with `retryInMs` null, the dead-letter state. */
export async function markFailed(sql: Sql, id: number, status: number | null, error: string, retryInMs: number | null): Promise<void> {
  await sql.query(
    `UPDATE alert_deliveries SET attempts = attempts + 1, last_status = $2, last_error = $3,
            state = CASE WHEN $4::float8 IS NULL THEN 'DEAD' ELSE 'PENDING' END,
            next_attempt_at = CASE WHEN $4::float8 IS NULL THEN next_attempt_at ELSE now() + make_interval(secs => $4::float8 / 1000) END
      WHERE id = $1`,
    [id, status, error.slice(0, 1000), retryInMs],
  );
}

export const DELIVERY_STATES = ['PENDING', 'DELIVERED', 'DEAD'] as const;

export interface DeliveryRow {
  id: number;
  /** The grouped notification delivered (issue 15); `null` for a row queued per transition before it. */
  notificationId: number | null;
  ruleId: string;
  /** Units the message lists (1 for a per-transition row). */
  units: number;
  /** Per-transition rows only: the transition, its alert, unit and kind. */
  transitionId: number | null;
  alertId: string | null;
  unitCode: string | null;
  kind: string | null;
  /** The receiver's URL without user-info or query string (either may carry a token). */
  url: string;
  state: (typeof DELIVERY_STATES)[number];
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

/**
 * Webhook deliveries, newest first: what operators check when a receiver stops answering.
 * `unitCode`: the deliveries of messages that list the unit.
 */
export async function listDeliveries(sql: Sql, filter: { state?: DeliveryRow['state']; unitCode?: string; ruleId?: string; limit?: number } = {}): Promise<DeliveryRow[]> {
  const rows: (Omit<DeliveryRow, 'id' | 'transitionId' | 'notificationId'> & { id: string; transitionId: string | null; notificationId: string | null })[] = await sql.query(
    `SELECT d.id::text, d.notification_id::text AS "notificationId", COALESCE(n.rule_id, a.rule_id) AS "ruleId",
              COALESCE(n.units, 1) AS units, d.transition_id::text AS "transitionId", t.alert_id::text AS "alertId",
              a.unit_code AS "unitCode", t.kind, d.url, d.state, d.attempts, d.last_status AS "lastStatus", d.last_error AS "lastError",
              d.created_at AS "createdAt", CASE WHEN d.state = 'PENDING' THEN d.next_attempt_at END AS "nextAttemptAt",
              d.delivered_at AS "deliveredAt"
         FROM alert_deliveries d
         LEFT JOIN alert_notifications n ON n.id = d.notification_id
         LEFT JOIN alert_transitions t ON t.id = d.transition_id
         LEFT JOIN alerts a ON a.id = t.alert_id
        WHERE ($1::text IS NULL OR d.state = $1)
          AND ($2::text IS NULL OR a.unit_code = $2
               OR EXISTS (SELECT 1 FROM alert_transitions nt JOIN alerts na ON na.id = nt.alert_id
                           WHERE nt.notification_id = d.notification_id AND na.unit_code = $2))
          AND ($3::text IS NULL OR COALESCE(n.rule_id, a.rule_id) = $3)
        ORDER BY d.id DESC
        LIMIT $4`,
    [filter.state ?? null, filter.unitCode ?? null, filter.ruleId ?? null, filter.limit ?? 500],
  );
  const iso = (v: unknown) => (v === null ? null : new Date(v as string).toISOString());
  const num = (v: string | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    ...r,
    url: redactUrl(r.url),
    lastError: r.lastError === null ? null : redactUrlsIn(r.lastError),
    id: Number(r.id),
    notificationId: num(r.notificationId),
    transitionId: num(r.transitionId),
    createdAt: iso(r.createdAt)!,
    nextAttemptAt: iso(r.nextAttemptAt),
    deliveredAt: iso(r.deliveredAt),
  }));
}

/**
 * Puts dead-lettered deliveries back in the queue (`deliveries resend`): due now, with a fresh
 * set of attempts; the last status and error stay until the next attempt replaces them. Only
 * DEAD rows move, so resending twice, or while the worker runs, changes nothing more.
 * Returns the ids put back.
 */
export async function resendDeadDeliveries(sql: Sql, ids?: number[]): Promise<number[]> {
  const result: unknown[] = await sql.query(
    `UPDATE alert_deliveries SET state = 'PENDING', attempts = 0, next_attempt_at = now()
      WHERE state = 'DEAD' AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))
      RETURNING id::text`,
    [ids ?? null],
  );
  return updatedRows<{ id: string }>(result)
    .map((r) => Number(r.id))
    .sort((a, b) => a - b);
}
