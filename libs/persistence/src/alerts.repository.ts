import type { AlertMessage } from '@tthc/contracts';
import type { AlertScope, AlertState, LiveAlert, Severity, TransitionRecord } from '@tthc/domain';
import { UNGROUPED_TRANSITION } from './alerts-notifications.repository';
import { type Sql, fromTs } from './sql';

export * from './alerts-deliveries.repository';
export * from './alerts-silences.repository';
export * from './alerts-queries.repository';
export * from './alerts-notifications.repository';

/**
 * Every write to the alert log takes this lock first, for the rest of its transaction. Writers
 * are few (one notifier evaluation at a time, an occasional acknowledgement), and serialising
 * them makes transition ids commit in increasing order, so a reader that resumes "after id N"
 * (the SSE stream, Last-Event-ID) can never skip a transition that committed late.
 * Keyed by schema, so isolated test schemas in one database do not wait on each other.
 */
export async function lockAlertLog(sql: Sql): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext('tthc.alert_log:' || current_schema()))`);
}

/** A live alert row as the notifier evaluates it: the fold's state plus what it last saw. */
export interface StoredAlert extends LiveAlert {
  unitCode: string;
  ruleId: string;
  lastValue: number | null;
  sampleSize: number;
  silenced: boolean;
  windowFrom: string | null;
  windowTo: string | null;
}

const ALERT_COLUMNS = `id, unit_code AS "unitCode", rule_id AS "ruleId", state, started_at AS "startedAt", opened_at AS "openedAt",
  step_gap AS "stepGap", gap_at_open AS "gapAtOpen", unnotified, silenced, last_value AS "lastValue", sample_size AS "sampleSize",
  to_char(window_from, 'YYYY-MM-DD') AS "windowFrom", to_char(window_to, 'YYYY-MM-DD') AS "windowTo", target, comparison`;

type AlertRowRaw = Omit<StoredAlert, 'startedAt' | 'openedAt'> & { startedAt: Date; openedAt: Date | null; target: number; comparison: string };

function toStored(r: AlertRowRaw): StoredAlert & { target: number; comparison: string } {
  return { ...r, startedAt: fromTs(r.startedAt)!, openedAt: r.openedAt ? fromTs(r.openedAt)! : null };
}

/** Live alerts of these rules (for these units, or all), locked for the evaluation's transaction. */
export async function loadLiveAlertsForUpdate(sql: Sql, ruleIds: string[], unitCodes?: string[]): Promise<StoredAlert[]> {
  const rows: AlertRowRaw[] = await sql.query(
    `SELECT ${ALERT_COLUMNS} FROM alerts
      WHERE state <> 'RESOLVED' AND rule_id = ANY($1::text[]) ${unitCodes ? 'AND unit_code = ANY($2::text[])' : ''}
      FOR UPDATE`,
    unitCodes ? [ruleIds, unitCodes] : [ruleIds],
  );
  return rows.map(toStored);
}

export async function loadAlertForUpdate(sql: Sql, id: string): Promise<(StoredAlert & { target: number; comparison: string }) | undefined> {
  const rows: AlertRowRaw[] = await sql.query(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ? toStored(rows[0]) : undefined;
}

/** What an evaluation writes back for one alert it created or changed. */
export interface AlertWrite {
  id: string;
  unitCode: string;
  unitName: string;
  ruleId: string;
  metric: string;
  scope: AlertScope;
  comparison: string;
  severity: Severity;
  windowName: string;
  windowFrom: string | null;
  windowTo: string | null;
  state: AlertState;
  target: number;
  startedAt: number;
  openedAt: number | null;
  resolvedAt: number | null;
  lastValue: number | null;
  sampleSize: number;
  lastGap: number | null;
  stepGap: number | null;
  gapAtOpen: number | null;
  unnotified: boolean;
  silenced: boolean;
  message: string;
  evaluatedAt: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Inserts new alerts and updates changed ones: one statement per evaluation. */
export async function saveAlerts(sql: Sql, rows: AlertWrite[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof AlertWrite>(k: K) => rows.map((r) => r[k]);
  await sql.query(
    `INSERT INTO alerts (id, unit_code, unit_name, rule_id, metric, scope, comparison, severity, window_name, window_from, window_to,
                         state, target, started_at, opened_at, resolved_at, last_value, sample_size, last_gap, step_gap, gap_at_open,
                         unnotified, silenced, message, evaluated_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                          $10::date[], $11::date[], $12::text[], $13::float8[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[],
                          $17::float8[], $18::int[], $19::float8[], $20::float8[], $21::float8[], $22::bool[], $23::bool[], $24::text[],
                          $25::timestamptz[])
     ON CONFLICT (id) DO UPDATE SET
       state = EXCLUDED.state, target = EXCLUDED.target, window_from = EXCLUDED.window_from, window_to = EXCLUDED.window_to,
       opened_at = EXCLUDED.opened_at, resolved_at = EXCLUDED.resolved_at, last_value = EXCLUDED.last_value,
       sample_size = EXCLUDED.sample_size, last_gap = EXCLUDED.last_gap, step_gap = EXCLUDED.step_gap,
       gap_at_open = EXCLUDED.gap_at_open, unnotified = EXCLUDED.unnotified, silenced = EXCLUDED.silenced,
       message = EXCLUDED.message, evaluated_at = EXCLUDED.evaluated_at`,
    [
      col('id'),
      col('unitCode'),
      col('unitName'),
      col('ruleId'),
      col('metric'),
      col('scope'),
      col('comparison'),
      col('severity'),
      col('windowName'),
      col('windowFrom'),
      col('windowTo'),
      col('state'),
      col('target'),
      rows.map((r) => iso(r.startedAt)),
      rows.map((r) => iso(r.openedAt)),
      rows.map((r) => iso(r.resolvedAt)),
      col('lastValue'),
      col('sampleSize'),
      col('lastGap'),
      col('stepGap'),
      col('gapAtOpen'),
      col('unnotified'),
      col('silenced'),
      col('message'),
      rows.map((r) => iso(r.evaluatedAt)),
    ],
  );
}

/**
 * Inserts transitions in the given order, unpublished (the outbox publishes them), and returns
 * their ids, in that order. Ids are drawn first (under the alert-log lock, so they increase with
 * commit order) rather than relying on the order of RETURNING rows, which PostgreSQL does not promise.
 */
export async function insertTransitions(sql: Sql, rows: TransitionRecord[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const idRows: { id: string }[] = await sql.query(`SELECT nextval(pg_get_serial_sequence('alert_transitions', 'id'))::text AS id FROM generate_series(1, $1)`, [rows.length]);
  const ids = idRows.map((r) => Number(r.id));
  const col = <K extends keyof TransitionRecord>(k: K) => rows.map((r) => r[k] ?? null);
  await sql.query(
    `INSERT INTO alert_transitions (id, alert_id, kind, from_state, to_state, at, value, sample_size, target, gap, window_from,
                                    window_to, silenced, notify, actor, note, message)
     SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::float8[], $8::int[],
                          $9::float8[], $10::float8[], $11::date[], $12::date[], $13::bool[], $14::bool[], $15::text[], $16::text[],
                          $17::text[])`,
    [
      ids,
      col('alertId'),
      col('kind'),
      col('from'),
      col('to'),
      rows.map((r) => new Date(r.at).toISOString()),
      col('value'),
      col('sampleSize'),
      col('target'),
      col('gap'),
      col('windowFrom'),
      col('windowTo'),
      col('silenced'),
      col('notify'),
      col('actor'),
      col('note'),
      col('message'),
    ],
  );
  return ids;
}

const MESSAGE_SELECT = `
  SELECT t.id::text AS "transitionId", t.alert_id AS "alertId", a.unit_code AS "unitCode", a.unit_name AS "unitName",
         a.rule_id AS "ruleId", a.metric, t.to_state AS state, t.from_state AS "previousState", t.at, t.value,
         t.sample_size AS "sampleSize", t.target, a.severity, t.message, t.kind, a.scope, t.silenced,
         to_char(t.window_from, 'YYYY-MM-DD') AS "windowFrom", to_char(t.window_to, 'YYYY-MM-DD') AS "windowTo",
         t.actor AS "acknowledgedBy", t.note, t.notify
    FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id`;

type MessageRow = Omit<AlertMessage, 'transitionId' | 'at' | 'window'> & {
  transitionId: string;
  at: Date;
  windowFrom: string | null;
  windowTo: string | null;
  notify: boolean;
};

export type StoredTransitionMessage = AlertMessage & { notify: boolean };

function toMessage(r: MessageRow): StoredTransitionMessage {
  const { windowFrom, windowTo, transitionId, at, ...rest } = r;
  return {
    ...rest,
    transitionId: Number(transitionId),
    at: new Date(at).toISOString(),
    window: windowFrom && windowTo ? { from: windowFrom, to: windowTo } : null,
    kind: r.kind,
  };
}

/** Transitions after `afterId` in id order, as messages (the SSE stream, Last-Event-ID replay). */
export async function transitionMessagesAfter(sql: Sql, afterId: number, limit: number, upToId?: number): Promise<StoredTransitionMessage[]> {
  const rows: MessageRow[] = await sql.query(
    `${MESSAGE_SELECT} WHERE t.id > $1 ${upToId === undefined ? '' : 'AND t.id <= $3'} ORDER BY t.id LIMIT $2`,
    upToId === undefined ? [afterId, limit] : [afterId, limit, upToId],
  );
  return rows.map(toMessage);
}

export async function transitionMessagesByIds(sql: Sql, ids: number[]): Promise<StoredTransitionMessage[]> {
  if (ids.length === 0) return [];
  const rows: MessageRow[] = await sql.query(`${MESSAGE_SELECT} WHERE t.id = ANY($1::bigint[]) ORDER BY t.id`, [ids]);
  return rows.map(toMessage);
}

export async function lastTransitionId(sql: Sql): Promise<number> {
  const [row]: { id: string | null }[] = await sql.query(`SELECT max(id)::text AS id FROM alert_transitions`);
  return Number(row?.id ?? 0);
}

/**
 * The notified transitions of one rule that no notification covers yet, oldest first: what the
 * grouping stage builds the rule's next notification from (alerts-notifications.repository.ts).
 */
export async function ungroupedTransitionMessages(sql: Sql, ruleId: string): Promise<StoredTransitionMessage[]> {
  const rows: MessageRow[] = await sql.query(`${MESSAGE_SELECT} WHERE ${UNGROUPED_TRANSITION} AND a.rule_id = $1 ORDER BY t.id`, [ruleId]);
  return rows.map(toMessage);
}

/**
 * Committed transitions not yet on Kafka, oldest first. Read without the alert-log lock: writers
 * hold it until they commit, so ids become visible in increasing order and this never skips one.
 */
export async function unpublishedTransitions(sql: Sql, limit: number): Promise<StoredTransitionMessage[]> {
  const ids: { id: string }[] = await sql.query(`SELECT id::text AS id FROM alert_transitions WHERE published_at IS NULL ORDER BY id LIMIT $1`, [limit]);
  return transitionMessagesByIds(
    sql,
    ids.map((r) => Number(r.id)),
  );
}

/**
 * The publisher's lock: one notifier instance at a time sends the log to Kafka, so the topic
 * keeps log order. A session lock on a connection of its own, separate from the alert-log lock,
 * so acknowledgements never wait for a Kafka send. Taken without waiting: another instance that
 * holds it publishes whatever is pending. Released by `releasePublisherLock`, or when the
 * connection closes (a crashed process).
 */
export async function tryPublisherLock(sql: Sql): Promise<boolean> {
  const [row]: { locked: boolean }[] = await sql.query(`SELECT pg_try_advisory_lock(hashtext('tthc.alert_publisher:' || current_schema())) AS locked`);
  return row.locked;
}

export async function releasePublisherLock(sql: Sql): Promise<void> {
  await sql.query(`SELECT pg_advisory_unlock(hashtext('tthc.alert_publisher:' || current_schema()))`);
}

/** Whether any transition waits to be published (the partial index on unpublished ids makes this a probe). */
export async function hasUnpublishedTransitions(sql: Sql): Promise<boolean> {
  const rows: unknown[] = await sql.query(`SELECT 1 FROM alert_transitions WHERE published_at IS NULL LIMIT 1`);
  return rows.length > 0;
}

export async function markTransitionsPublished(sql: Sql, ids: number[], at: number): Promise<void> {
  if (ids.length === 0) return;
  await sql.query(`UPDATE alert_transitions SET published_at = $2 WHERE id = ANY($1::bigint[])`, [ids, new Date(at).toISOString()]);
}

/** The rules in force, as the notifier loaded them, so the API and auditors can see them. */
export async function saveAlertRules(sql: Sql, rules: { id: string; definition: unknown }[]): Promise<void> {
  await sql.query(
    `INSERT INTO alert_rules (id, definition, updated_at)
     SELECT id, def, now() FROM unnest($1::text[], $2::jsonb[]) AS r(id, def)
     ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition, updated_at = now()`,
    [rules.map((r) => r.id), rules.map((r) => JSON.stringify(r.definition))],
  );
}

export async function listAlertRules<T = unknown>(sql: Sql): Promise<{ id: string; definition: T }[]> {
  return sql.query(`SELECT id, definition FROM alert_rules ORDER BY id`);
}
