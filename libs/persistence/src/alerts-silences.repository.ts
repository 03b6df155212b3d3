import type { Silence } from '@tthc/domain';
import { updatedRows } from './alerts-deliveries.repository';
import { type Sql, fromTs } from './sql';

export interface SilenceRow extends Silence {
  reason: string;
  createdBy: string;
  createdAt: number;
  expiredBy: string | null;
}

type Raw = Omit<SilenceRow, 'startsAt' | 'endsAt' | 'expiredAt' | 'createdAt'> & { startsAt: Date; endsAt: Date; expiredAt: Date | null; createdAt: Date };

const COLUMNS = `id, unit_code AS "unitCode", rule_id AS "ruleId", starts_at AS "startsAt", ends_at AS "endsAt", reason,
  created_by AS "createdBy", created_at AS "createdAt", expired_at AS "expiredAt", expired_by AS "expiredBy"`;

function toRow(r: Raw): SilenceRow {
  return {
    ...r,
    startsAt: fromTs(r.startsAt)!,
    endsAt: fromTs(r.endsAt)!,
    createdAt: fromTs(r.createdAt)!,
    expiredAt: r.expiredAt ? fromTs(r.expiredAt)! : null,
  };
}

export async function insertSilence(sql: Sql, s: Omit<SilenceRow, 'expiredAt' | 'expiredBy'>): Promise<SilenceRow> {
  const rows: Raw[] = await sql.query(
    `INSERT INTO alert_silences (id, unit_code, rule_id, starts_at, ends_at, reason, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [s.id, s.unitCode, s.ruleId, new Date(s.startsAt), new Date(s.endsAt), s.reason, s.createdBy, new Date(s.createdAt)],
  );
  return toRow(rows[0]);
}

/** Silences that are (or may become) active at `now`: not ended, not expired by hand. */
export async function activeSilences(sql: Sql, now: number): Promise<SilenceRow[]> {
  const rows: Raw[] = await sql.query(`SELECT ${COLUMNS} FROM alert_silences WHERE ends_at > $1 AND (expired_at IS NULL OR expired_at > $1) ORDER BY created_at`, [new Date(now)]);
  return rows.map(toRow);
}

export async function listSilences(sql: Sql, filter: { activeAt?: number; unitCode?: string; ruleId?: string }): Promise<SilenceRow[]> {
  const at = filter.activeAt === undefined ? null : new Date(filter.activeAt);
  const rows: Raw[] = await sql.query(
    `SELECT ${COLUMNS} FROM alert_silences
      WHERE ($1::timestamptz IS NULL OR (starts_at <= $1 AND ends_at > $1 AND (expired_at IS NULL OR expired_at > $1)))
        AND ($2::text IS NULL OR unit_code = $2) AND ($3::text IS NULL OR rule_id = $3)
      ORDER BY created_at DESC LIMIT 1000`,
    [at, filter.unitCode ?? null, filter.ruleId ?? null],
  );
  return rows.map(toRow);
}

/** Ends a silence now; `undefined` when there is no such silence. Expiring twice keeps the first time. */
export async function expireSilence(sql: Sql, id: string, at: number, by: string): Promise<SilenceRow | undefined> {
  const result: unknown[] = await sql.query(
    `UPDATE alert_silences SET expired_at = COALESCE(expired_at, LEAST($2::timestamptz, ends_at)), expired_by = COALESCE(expired_by, $3)
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, new Date(at), by],
  );
  const rows = updatedRows<Raw>(result);
  return rows[0] ? toRow(rows[0]) : undefined;
}
