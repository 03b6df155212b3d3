import type { Channel, DossierFact, DossierState } from '@tthc/domain';
import { type Sql, toIso } from './sql';

interface DossierRow {
  unit_code: string;
  dossier_id: string;
  procedure_code: string;
  received_at: Date | null;
  received_event_id: string | null;
  channel: string | null;
  receipt_due_at: Date | null;
  resolved_at: Date | null;
  resolved_event_id: string | null;
  resolution_due_at: Date | null;
  late_flagged_at: Date | null;
  late_event_id: string | null;
  late_due_at: Date | null;
}

const keyOf = (unitCode: string, dossierId: string) => `${unitCode}\u0000${dossierId}`;
export const dossierKey = (s: { unitCode: string; dossierId: string }) => keyOf(s.unitCode, s.dossierId);

function fact(eventId: string | null, at: Date | null, due: Date | null): DossierFact | undefined {
  return eventId && at && due ? { eventId, occurredAt: at.getTime(), dueAt: due.getTime() } : undefined;
}

function toState(r: DossierRow): DossierState {
  const receipt = fact(r.received_event_id, r.received_at, r.receipt_due_at);
  return {
    unitCode: r.unit_code,
    dossierId: r.dossier_id,
    procedureCode: r.procedure_code,
    receipt: receipt ? { ...receipt, channel: r.channel as Channel } : undefined,
    resolution: fact(r.resolved_event_id, r.resolved_at, r.resolution_due_at),
    lateFlag: fact(r.late_event_id, r.late_flagged_at, r.late_due_at),
  };
}

/** Loads the current state of every dossier the batch touches, in one query. */
export async function loadDossiers(sql: Sql, keys: { unitCode: string; dossierId: string }[]): Promise<Map<string, DossierState>> {
  const result = new Map<string, DossierState>();
  if (keys.length === 0) return result;
  const rows: DossierRow[] = await sql.query(
    `SELECT d.* FROM dossiers d
       JOIN unnest($1::text[], $2::text[]) AS k(unit_code, dossier_id)
         ON d.unit_code = k.unit_code AND d.dossier_id = k.dossier_id`,
    [keys.map((k) => k.unitCode), keys.map((k) => k.dossierId)],
  );
  for (const row of rows) {
    const s = toState(row);
    result.set(dossierKey(s), s);
  }
  return result;
}

/** Writes changed dossier states back, one statement for the batch. */
export async function saveDossiers(sql: Sql, states: DossierState[]): Promise<void> {
  if (states.length === 0) return;
  await sql.query(
    `INSERT INTO dossiers (unit_code, dossier_id, procedure_code,
                           received_at, received_event_id, channel, receipt_due_at,
                           resolved_at, resolved_event_id, resolution_due_at,
                           late_flagged_at, late_event_id, late_due_at, updated_at)
     SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[],
                          $4::timestamptz[], $5::uuid[], $6::text[], $7::timestamptz[],
                          $8::timestamptz[], $9::uuid[], $10::timestamptz[],
                          $11::timestamptz[], $12::uuid[], $13::timestamptz[])
     ON CONFLICT (unit_code, dossier_id) DO UPDATE SET
       procedure_code = EXCLUDED.procedure_code,
       received_at = EXCLUDED.received_at, received_event_id = EXCLUDED.received_event_id,
       channel = EXCLUDED.channel, receipt_due_at = EXCLUDED.receipt_due_at,
       resolved_at = EXCLUDED.resolved_at, resolved_event_id = EXCLUDED.resolved_event_id,
       resolution_due_at = EXCLUDED.resolution_due_at,
       late_flagged_at = EXCLUDED.late_flagged_at, late_event_id = EXCLUDED.late_event_id,
       late_due_at = EXCLUDED.late_due_at, updated_at = now()`,
    [
      states.map((s) => s.unitCode),
      states.map((s) => s.dossierId),
      states.map((s) => s.procedureCode),
      states.map((s) => toIso(s.receipt?.occurredAt)),
      states.map((s) => s.receipt?.eventId ?? null),
      states.map((s) => s.receipt?.channel ?? null),
      states.map((s) => toIso(s.receipt?.dueAt)),
      states.map((s) => toIso(s.resolution?.occurredAt)),
      states.map((s) => s.resolution?.eventId ?? null),
      states.map((s) => toIso(s.resolution?.dueAt)),
      states.map((s) => toIso(s.lateFlag?.occurredAt)),
      states.map((s) => s.lateFlag?.eventId ?? null),
      states.map((s) => toIso(s.lateFlag?.dueAt)),
    ],
  );
}
