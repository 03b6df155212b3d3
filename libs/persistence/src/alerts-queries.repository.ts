import type { Sql } from './sql';

/** Read side of the alert log for the HTTP API: lists, one alert with its history, the grouped summary. */
export interface AlertView {
  id: string;
  unitCode: string;
  unitName: string;
  scope: string;
  ruleId: string;
  metric: string;
  comparison: string;
  severity: string;
  state: string;
  target: number;
  window: { name: string; from: string | null; to: string | null };
  value: number | null;
  sampleSize: number;
  gap: number | null;
  gapAtOpen: number | null;
  silenced: boolean;
  startedAt: string;
  openedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  ackNote: string | null;
  resolvedAt: string | null;
  evaluatedAt: string | null;
  message: string;
}

const VIEW = `
  SELECT a.id, a.unit_code AS "unitCode", a.unit_name AS "unitName", a.scope, a.rule_id AS "ruleId", a.metric, a.comparison,
         a.severity, a.state, a.target, a.window_name, to_char(a.window_from, 'YYYY-MM-DD') AS window_from,
         to_char(a.window_to, 'YYYY-MM-DD') AS window_to, a.last_value AS "value", a.sample_size AS "sampleSize",
         a.last_gap AS "gap", a.gap_at_open AS "gapAtOpen", a.silenced, a.started_at AS "startedAt", a.opened_at AS "openedAt",
         a.acknowledged_at AS "acknowledgedAt", a.acknowledged_by AS "acknowledgedBy", a.ack_note AS "ackNote",
         a.resolved_at AS "resolvedAt", a.evaluated_at AS "evaluatedAt", a.message
    FROM alerts a`;

type ViewRow = Omit<AlertView, 'window'> & { window_name: string; window_from: string | null; window_to: string | null };

function toView(r: ViewRow): AlertView {
  const { window_name, window_from, window_to, ...rest } = r;
  const ts = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
  return {
    ...rest,
    window: { name: window_name, from: window_from, to: window_to },
    startedAt: ts(rest.startedAt)!,
    openedAt: ts(rest.openedAt),
    acknowledgedAt: ts(rest.acknowledgedAt),
    resolvedAt: ts(rest.resolvedAt),
    evaluatedAt: ts(rest.evaluatedAt),
  };
}

export interface AlertFilter {
  state?: string;
  unitCode?: string;
  ruleId?: string;
  severity?: string;
  /** Alerts live at some point in [from, to): started before `to` and not resolved before `from`. */
  from?: number;
  to?: number;
  limit: number;
}

export async function listAlerts(sql: Sql, f: AlertFilter): Promise<AlertView[]> {
  const rows: ViewRow[] = await sql.query(
    `${VIEW}
      WHERE ($1::text IS NULL OR a.state = $1) AND ($2::text IS NULL OR a.unit_code = $2) AND ($3::text IS NULL OR a.rule_id = $3)
        AND ($4::text IS NULL OR a.severity = $4)
        AND ($5::timestamptz IS NULL OR a.resolved_at IS NULL OR a.resolved_at >= $5)
        AND ($6::timestamptz IS NULL OR a.started_at < $6)
      ORDER BY a.started_at DESC, a.id LIMIT $7`,
    [f.state ?? null, f.unitCode ?? null, f.ruleId ?? null, f.severity ?? null, f.from === undefined ? null : new Date(f.from), f.to === undefined ? null : new Date(f.to), f.limit],
  );
  return rows.map(toView);
}

export async function findAlert(sql: Sql, id: string): Promise<AlertView | undefined> {
  const rows: ViewRow[] = await sql.query(`${VIEW} WHERE a.id = $1`, [id]);
  return rows[0] ? toView(rows[0]) : undefined;
}

export interface TransitionView {
  transitionId: number;
  kind: string;
  previousState: string | null;
  state: string;
  at: string;
  value: number | null;
  sampleSize: number;
  target: number | null;
  gap: number | null;
  window: { from: string; to: string } | null;
  silenced: boolean;
  notified: boolean;
  actor: string | null;
  note: string | null;
  message: string | null;
}

/** Every transition of an alert, oldest first: what auditors list. */
export async function alertHistory(sql: Sql, alertId: string): Promise<TransitionView[]> {
  const rows: (Omit<TransitionView, 'transitionId' | 'window' | 'at'> & { transitionId: string; at: Date; wf: string | null; wt: string | null })[] = await sql.query(
    `SELECT id::text AS "transitionId", kind, from_state AS "previousState", to_state AS state, at, value, sample_size AS "sampleSize",
              target, gap, to_char(window_from, 'YYYY-MM-DD') AS wf, to_char(window_to, 'YYYY-MM-DD') AS wt, silenced,
              notify AS notified, actor, note, message
         FROM alert_transitions WHERE alert_id = $1 ORDER BY id`,
    [alertId],
  );
  return rows.map(({ wf, wt, transitionId, at, ...r }) => ({
    ...r,
    transitionId: Number(transitionId),
    at: new Date(at).toISOString(),
    window: wf && wt ? { from: wf, to: wt } : null,
  }));
}

/** Live (PENDING, OPEN, ACKNOWLEDGED) alerts for the grouped summary. */
export async function liveAlertViews(sql: Sql): Promise<AlertView[]> {
  const rows: ViewRow[] = await sql.query(`${VIEW} WHERE a.state <> 'RESOLVED' ORDER BY a.rule_id, a.last_gap DESC NULLS LAST`);
  return rows.map(toView);
}

/** Counts of WORSENED transitions per live alert: "who is worsening" in the summary. */
export async function worseningCounts(sql: Sql, alertIds: string[]): Promise<Map<string, number>> {
  if (alertIds.length === 0) return new Map();
  const rows: { alert_id: string; n: number }[] = await sql.query(
    `SELECT alert_id, count(*)::int AS n FROM alert_transitions WHERE kind = 'WORSENED' AND alert_id = ANY($1::uuid[]) GROUP BY alert_id`,
    [alertIds],
  );
  return new Map(rows.map((r) => [r.alert_id, r.n]));
}

export async function saveAcknowledgement(sql: Sql, id: string, at: number, by: string, note: string | null): Promise<void> {
  await sql.query(`UPDATE alerts SET state = 'ACKNOWLEDGED', acknowledged_at = $2, acknowledged_by = $3, ack_note = $4 WHERE id = $1`, [id, new Date(at), by, note]);
}
