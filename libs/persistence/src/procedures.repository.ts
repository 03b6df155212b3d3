import type { Procedure, ProcedureLevel } from '@tthc/domain';
import type { Sql } from './sql';

/** Rows per statement when loading a catalogue: the province's 2,161 go in three statements. */
const UPSERT_CHUNK = 1_000;

const COLUMNS = `code, name, level, online_service AS "onlineService", online_payment AS "onlinePayment", essential,
  deadline_working_days AS "deadlineWorkingDays"`;

/**
 * Writes catalogue procedures in chunks. `replace`: a code already present takes the new values
 * (loading the province's export); otherwise it is left as it is (seeding on every `provision`
 * must not undo a load). Returns how many rows were inserted and how many updated.
 */
export async function upsertProcedures(sql: Sql, procedures: readonly Procedure[], mode: 'replace' | 'keep'): Promise<{ inserted: number; updated: number }> {
  let inserted = 0;
  let updated = 0;
  for (let i = 0; i < procedures.length; i += UPSERT_CHUNK) {
    const chunk = procedures.slice(i, i + UPSERT_CHUNK);
    const onConflict =
      mode === 'replace'
        ? `DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, online_service = EXCLUDED.online_service,
             online_payment = EXCLUDED.online_payment, essential = EXCLUDED.essential,
             deadline_working_days = EXCLUDED.deadline_working_days, updated_at = now()`
        : 'DO NOTHING';
    // xmax = 0 marks a freshly inserted row, the usual way to tell insert from update in an upsert.
    const rows: { inserted: boolean }[] = await sql.query(
      `INSERT INTO procedures (code, name, level, online_service, online_payment, essential, deadline_working_days)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::bool[], $6::bool[], $7::smallint[])
       ON CONFLICT (code) ${onConflict}
       RETURNING (xmax = 0) AS inserted`,
      [
        chunk.map((p) => p.code),
        chunk.map((p) => p.name),
        chunk.map((p) => p.level),
        chunk.map((p) => p.onlineService),
        chunk.map((p) => p.onlinePayment),
        chunk.map((p) => p.essential),
        chunk.map((p) => p.deadlineWorkingDays),
      ],
    );
    for (const r of rows)
      if (r.inserted) inserted++;
      else updated++;
  }
  return { inserted, updated };
}

export interface ProcedureFilter {
  level?: ProcedureLevel;
  essential?: boolean;
}

export async function listProcedures(sql: Sql, filter: ProcedureFilter = {}): Promise<Procedure[]> {
  return sql.query(
    `SELECT ${COLUMNS} FROM procedures
      WHERE ($1::text IS NULL OR level = $1) AND ($2::bool IS NULL OR essential = $2)
      ORDER BY code`,
    [filter.level ?? null, filter.essential ?? null],
  );
}

/** How many procedures the catalogue holds per level (what the province reports: 1,751 / 312 / 98). */
export async function countProceduresByLevel(sql: Sql): Promise<Record<ProcedureLevel, number>> {
  const rows: { level: ProcedureLevel; n: string }[] = await sql.query(`SELECT level, count(*) AS n FROM procedures GROUP BY level`);
  const out: Record<ProcedureLevel, number> = { PROVINCIAL: 0, COMMUNE: 0, SHARED: 0 };
  for (const r of rows) out[r.level] = Number(r.n);
  return out;
}
