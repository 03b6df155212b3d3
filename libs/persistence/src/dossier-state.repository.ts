import type { Channel, DossierFact, DossierState, PaymentMethod, ReceiptFact, ResolutionFact } from '@tthc/domain';
import { type JsonColumn, jsonRecordset, jsonRecordsetColumns, jsonRows } from './json-rows';
import type { Sql } from './sql';

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
  procedure_event_id: string | null;
  procedure_at: Date | null;
  procedure_from_receipt: boolean | null;
  fully_online: boolean | null;
  components_digitized: boolean | null;
  result_electronic: boolean | null;
  result_digitized: boolean | null;
  data_reused: boolean | null;
  paid_at: Date | null;
  paid_event_id: string | null;
  paid_due_at: Date | null;
  payment_method: string | null;
  rated_at: Date | null;
  rated_event_id: string | null;
  rated_due_at: Date | null;
  score: number | null;
  feedback_at: Date | null;
  feedback_event_id: string | null;
  feedback_due_at: Date | null;
  feedback_resolved_at: Date | null;
  feedback_resolved_event_id: string | null;
  feedback_resolution_due_at: Date | null;
  withdrawn_at: Date | null;
  withdrawn_event_id: string | null;
  withdrawn_due_at: Date | null;
}

const keyOf = (unitCode: string, dossierId: string) => `${unitCode}\u0000${dossierId}`;
export const dossierKey = (s: { unitCode: string; dossierId: string }) => keyOf(s.unitCode, s.dossierId);

function fact(eventId: string | null, at: Date | null, due: Date | null): DossierFact | undefined {
  return eventId && at && due ? { eventId, occurredAt: at.getTime(), dueAt: due.getTime() } : undefined;
}

function toState(r: DossierRow): DossierState {
  const receipt = fact(r.received_event_id, r.received_at, r.receipt_due_at) as ReceiptFact | undefined;
  if (receipt) {
    receipt.channel = r.channel as Channel;
    if (r.fully_online !== null) {
      receipt.fullyOnline = r.fully_online;
      receipt.componentsDigitized = r.components_digitized === true;
    }
  }
  const resolution: ResolutionFact | undefined = fact(r.resolved_event_id, r.resolved_at, r.resolution_due_at);
  if (resolution && r.result_electronic !== null) {
    resolution.resultElectronic = r.result_electronic;
    resolution.resultDigitized = r.result_digitized === true;
    resolution.dataReused = r.data_reused === true;
  }
  const payment = fact(r.paid_event_id, r.paid_at, r.paid_due_at);
  const rating = fact(r.rated_event_id, r.rated_at, r.rated_due_at);
  const state: DossierState = {
    unitCode: r.unit_code,
    dossierId: r.dossier_id,
    procedureCode: r.procedure_code,
    receipt,
    resolution,
    lateFlag: fact(r.late_event_id, r.late_flagged_at, r.late_due_at),
  };
  // Only the facts a dossier has become keys, so a v1 dossier's state is exactly what it was.
  if (r.procedure_event_id && r.procedure_at) {
    state.procedureSource = { eventId: r.procedure_event_id, occurredAt: r.procedure_at.getTime(), fromReceipt: r.procedure_from_receipt === true };
  }
  if (payment) state.payment = { ...payment, method: r.payment_method as PaymentMethod };
  if (rating) state.rating = { ...rating, score: Number(r.score) };
  const feedback = fact(r.feedback_event_id, r.feedback_at, r.feedback_due_at);
  if (feedback) state.feedback = feedback;
  const feedbackResolution = fact(r.feedback_resolved_event_id, r.feedback_resolved_at, r.feedback_resolution_due_at);
  if (feedbackResolution) state.feedbackResolution = feedbackResolution;
  const withdrawal = fact(r.withdrawn_event_id, r.withdrawn_at, r.withdrawn_due_at);
  if (withdrawal) state.withdrawal = withdrawal;
  return state;
}

/**
 * Namespace of the dossier locks: the first key of PostgreSQL's two-int4 advisory lock form,
 * whose lock space is separate from the one-bigint form the batch gate uses, so a dossier's hash
 * can never collide with the gate ("tthc" in ASCII).
 */
const DOSSIER_LOCK_SPACE = 0x74746863;

/**
 * Locks every dossier a batch touches until its transaction ends, so two batches that carry
 * events of the same dossier (one dossier's records on two partitions: partitions added to the
 * validated topic, or a producer keyed differently; issue 11) apply one after the other instead
 * of both folding from the same stored state and the later write erasing the earlier.
 *
 * Advisory locks rather than `SELECT … FOR UPDATE`: a dossier a batch is about to create has no
 * row yet, and FOR UPDATE locks nothing where there is no row, so two batches creating the same
 * dossier would still race. A 32-bit hash of the key may collide; a collision only makes two
 * batches wait for each other, never changes a result.
 *
 * Deadlock-free: every batch takes its locks in one global order, ascending hash, in a single
 * statement. PostgreSQL evaluates a volatile target-list function such as pg_advisory_xact_lock
 * after the ORDER BY's sort (the planner postpones volatile expressions past the Sort node since
 * 9.6), so the locks are taken in that order. The only locks a batch holds before these are the
 * shared batch gate and its own partition's offset row, which no other batch waits for.
 */
export async function lockDossiers(sql: Sql, keys: { unitCode: string; dossierId: string }[]): Promise<void> {
  if (keys.length === 0) return;
  await sql.query(
    `SELECT pg_advisory_xact_lock(${DOSSIER_LOCK_SPACE}, h)
       FROM (SELECT DISTINCT hashtext(unit_code || '/' || dossier_id) AS h
               FROM unnest($1::text[], $2::text[]) AS k(unit_code, dossier_id)) AS held
      ORDER BY h`,
    [keys.map((k) => k.unitCode), keys.map((k) => k.dossierId)],
  );
}

/** Loads the current state of every dossier the batch touches, in one query (after `lockDossiers`, to read what the last batch committed). */
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

/**
 * The dossiers columns and how each is read off a state, in one list, so the statement, its
 * parameter types and its values cannot drift apart.
 */
const COLUMNS: JsonColumn<DossierState>[] = [
  ['unit_code', 'text', (s) => s.unitCode],
  ['dossier_id', 'text', (s) => s.dossierId],
  ['procedure_code', 'text', (s) => s.procedureCode],
  ['received_at', 'timestamptz', (s) => s.receipt?.occurredAt],
  ['received_event_id', 'uuid', (s) => s.receipt?.eventId ?? null],
  ['channel', 'text', (s) => s.receipt?.channel ?? null],
  ['receipt_due_at', 'timestamptz', (s) => s.receipt?.dueAt],
  ['resolved_at', 'timestamptz', (s) => s.resolution?.occurredAt],
  ['resolved_event_id', 'uuid', (s) => s.resolution?.eventId ?? null],
  ['resolution_due_at', 'timestamptz', (s) => s.resolution?.dueAt],
  ['late_flagged_at', 'timestamptz', (s) => s.lateFlag?.occurredAt],
  ['late_event_id', 'uuid', (s) => s.lateFlag?.eventId ?? null],
  ['late_due_at', 'timestamptz', (s) => s.lateFlag?.dueAt],
  ['procedure_event_id', 'uuid', (s) => s.procedureSource?.eventId ?? null],
  ['procedure_at', 'timestamptz', (s) => s.procedureSource?.occurredAt],
  ['procedure_from_receipt', 'boolean', (s) => s.procedureSource?.fromReceipt ?? null],
  ['fully_online', 'boolean', (s) => s.receipt?.fullyOnline ?? null],
  ['components_digitized', 'boolean', (s) => (s.receipt?.fullyOnline === undefined ? null : s.receipt.componentsDigitized === true)],
  ['result_electronic', 'boolean', (s) => s.resolution?.resultElectronic ?? null],
  ['result_digitized', 'boolean', (s) => (s.resolution?.resultElectronic === undefined ? null : s.resolution.resultDigitized === true)],
  ['data_reused', 'boolean', (s) => (s.resolution?.resultElectronic === undefined ? null : s.resolution.dataReused === true)],
  ['paid_at', 'timestamptz', (s) => s.payment?.occurredAt],
  ['paid_event_id', 'uuid', (s) => s.payment?.eventId ?? null],
  ['paid_due_at', 'timestamptz', (s) => s.payment?.dueAt],
  ['payment_method', 'text', (s) => s.payment?.method ?? null],
  ['rated_at', 'timestamptz', (s) => s.rating?.occurredAt],
  ['rated_event_id', 'uuid', (s) => s.rating?.eventId ?? null],
  ['rated_due_at', 'timestamptz', (s) => s.rating?.dueAt],
  ['score', 'smallint', (s) => s.rating?.score ?? null],
  ['feedback_at', 'timestamptz', (s) => s.feedback?.occurredAt],
  ['feedback_event_id', 'uuid', (s) => s.feedback?.eventId ?? null],
  ['feedback_due_at', 'timestamptz', (s) => s.feedback?.dueAt],
  ['feedback_resolved_at', 'timestamptz', (s) => s.feedbackResolution?.occurredAt],
  ['feedback_resolved_event_id', 'uuid', (s) => s.feedbackResolution?.eventId ?? null],
  ['feedback_resolution_due_at', 'timestamptz', (s) => s.feedbackResolution?.dueAt],
  ['withdrawn_at', 'timestamptz', (s) => s.withdrawal?.occurredAt],
  ['withdrawn_event_id', 'uuid', (s) => s.withdrawal?.eventId ?? null],
  ['withdrawn_due_at', 'timestamptz', (s) => s.withdrawal?.dueAt],
];

const SAVE_SQL = `
  INSERT INTO dossiers (${COLUMNS.map(([c]) => c).join(', ')}, updated_at)
  SELECT ${jsonRecordsetColumns(COLUMNS)}, now() FROM ${jsonRecordset(COLUMNS)}
  ON CONFLICT (unit_code, dossier_id) DO UPDATE SET
    ${COLUMNS.slice(2)
      .map(([c]) => `${c} = EXCLUDED.${c}`)
      .join(', ')}, updated_at = now()`;

/** Writes changed dossier states back, one statement for the batch. */
export async function saveDossiers(sql: Sql, states: DossierState[]): Promise<void> {
  if (states.length === 0) return;
  await sql.query(SAVE_SQL, [jsonRows(COLUMNS, states)]);
}
