import type { Channel, DossierFact, DossierState, PaymentMethod, ReceiptFact, ResolutionFact } from '@tthc/domain';
import { type JsonColumn, jsonRecordset, jsonRecordsetColumns, jsonRecordsetValue, jsonRows } from './json-rows';
import { type WritePart, runWrites } from './combined-writes';
import type { Sql } from './sql';

/** A stored dossier as `loadDossiers` reads it: the COLUMNS' values by name, instants made epoch ms. */
type DossierRow = Record<string, string | number | boolean | null>;

const keyOf = (unitCode: string, dossierId: string) => `${unitCode}\u0000${dossierId}`;
export const dossierKey = (s: { unitCode: string; dossierId: string }) => keyOf(s.unitCode, s.dossierId);

function fact(eventId: unknown, at: unknown, due: unknown): DossierFact | undefined {
  return typeof eventId === 'string' && typeof at === 'number' && typeof due === 'number' ? { eventId, occurredAt: at, dueAt: due } : undefined;
}

function toState(r: DossierRow): DossierState {
  const receipt = fact(r.received_event_id, r.received_at, r.receipt_due_at) as ReceiptFact | undefined;
  if (receipt) {
    receipt.channel = r.channel as Channel;
    if (r.fully_online !== null) {
      receipt.fullyOnline = r.fully_online === true;
      receipt.componentsDigitized = r.components_digitized === true;
    }
  }
  const resolution: ResolutionFact | undefined = fact(r.resolved_event_id, r.resolved_at, r.resolution_due_at);
  if (resolution && r.result_electronic !== null) {
    resolution.resultElectronic = r.result_electronic === true;
    resolution.resultDigitized = r.result_digitized === true;
    resolution.dataReused = r.data_reused === true;
  }
  const payment = fact(r.paid_event_id, r.paid_at, r.paid_due_at);
  const rating = fact(r.rated_event_id, r.rated_at, r.rated_due_at);
  const state: DossierState = {
    unitCode: r.unit_code as string,
    dossierId: r.dossier_id as string,
    procedureCode: r.procedure_code as string,
    receipt,
    resolution,
    lateFlag: fact(r.late_event_id, r.late_flagged_at, r.late_due_at),
  };
  // Only the facts a dossier has become keys, so a v1 dossier's state is exactly what it was.
  if (typeof r.procedure_event_id === 'string' && typeof r.procedure_at === 'number') {
    state.procedureSource = { eventId: r.procedure_event_id, occurredAt: r.procedure_at, fromReceipt: r.procedure_from_receipt === true };
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
 * Loads the current state of every dossier the batch touches, in one query (after
 * `enterDossierBatch` locked their units, to read what the last batch committed). `LOAD_SQL` says
 * how it stays cheap as history grows.
 */
export async function loadDossiers(sql: Sql, keys: { unitCode: string; dossierId: string }[]): Promise<Map<string, DossierState>> {
  const result = new Map<string, DossierState>();
  if (keys.length === 0) return result;
  const unique = [...new Map(keys.map((k) => [dossierKey(k), k])).values()];
  const rows: DossierRow[] = await sql.query(LOAD_SQL, [unique.map((k) => k.unitCode), unique.map((k) => k.dossierId)]);
  for (const row of rows) {
    for (const c of INSTANT_COLUMNS) if (row[c] !== null) row[c] = Math.round((row[c] as number) * 1000);
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

const INSTANT_COLUMNS = COLUMNS.filter(([, t]) => t === 'timestamptz').map(([c]) => c);

/**
 * Every stored dossier the keys name, one primary-key probe per key (issue 12). A plain join of
 * the keys with `dossiers` is left to the planner, which may read the whole table for it: it
 * chose a hash join over a sequential scan at 200,000 narrow rows (~100 ms a batch, growing
 * with the table), index probes with realistic rows from 100,000 to 3,000,000 (24–34 ms either
 * way, BENCHMARKS.md). The LATERAL subquery with OFFSET 0 cannot be flattened into a join, so
 * the plan is a nested loop of index probes whatever the table size or the statistics.
 *
 * Instants come back as float8 epoch seconds (`date_part`), not as timestamptz text that
 * PostgreSQL formats and node-postgres parses into a Date, field by field (per loaded dossier
 * ~11–17 → 7–10 µs of the aggregator's CPU, ~6–9 → 5–7 µs of PostgreSQL's). Stored instants are whole
 * milliseconds, and a float8 of seconds within the contract's range is within 0.001 ms of the
 * exact value, so rounding its thousandfold gives the milliseconds back exactly.
 */
const LOAD_SQL = `
  SELECT ${COLUMNS.map(([c, t]) => (t === 'timestamptz' ? `date_part('epoch', d.${c}) AS ${c}` : `d.${c}`)).join(', ')}
    FROM unnest($1::text[], $2::text[]) AS k(unit_code, dossier_id)
   CROSS JOIN LATERAL (SELECT * FROM dossiers WHERE unit_code = k.unit_code AND dossier_id = k.dossier_id OFFSET 0) AS d`;

/** A dossier the batch creates: a plain insert, since its absence was read under the unit lock. */
const insertSql = (param: number) => `
  INSERT INTO dossiers (${COLUMNS.map(([c]) => c).join(', ')}, updated_at)
  SELECT ${jsonRecordsetColumns(COLUMNS)}, now() FROM ${jsonRecordset(COLUMNS, param)}`;

/** A dossier the batch loaded: updated in place, and counted, so a row that vanished cannot go unnoticed. */
const updateSql = (param: number) => `
  UPDATE dossiers AS d SET ${COLUMNS.slice(2)
    .map((column) => `${column[0]} = ${jsonRecordsetValue(column)}`)
    .join(', ')}, updated_at = now()
    FROM ${jsonRecordset(COLUMNS, param)}
   WHERE d.unit_code = r.unit_code AND d.dossier_id = r.dossier_id`;

/**
 * The writes of changed dossier states: the ones `stored` holds (what `loadDossiers` read, under
 * the unit locks of `enterDossierBatch` or the closed batch gate) are updated, the others
 * inserted, one statement each for the batch. An upsert of both costs PostgreSQL ~3 µs more per new dossier (its speculative
 * insertion; BENCHMARKS.md), and a replay's dossiers are mostly new. Should the lock ever fail to
 * hold, an insert that meets a row fails (23505) and an update that misses one throws, rather
 * than one write silently replacing another.
 */
export function dossierWrites(states: readonly DossierState[], stored: ReadonlyMap<string, DossierState>): WritePart[] {
  const fresh: DossierState[] = [];
  const known: DossierState[] = [];
  for (const s of states) (stored.has(dossierKey(s)) ? known : fresh).push(s);
  const parts: WritePart[] = [];
  if (fresh.length > 0) parts.push({ statement: insertSql, values: [jsonRows(COLUMNS, fresh)] });
  if (known.length > 0) {
    parts.push({
      statement: updateSql,
      values: [jsonRows(COLUMNS, known)],
      expectRows: { count: known.length, error: (n) => new Error(`saveDossiers: ${known.length - n} of ${known.length} loaded dossiers were no longer stored`) },
    });
  }
  return parts;
}

/** `dossierWrites`, run as one statement. */
export async function saveDossiers(sql: Sql, states: readonly DossierState[], stored: ReadonlyMap<string, DossierState>): Promise<void> {
  await runWrites(sql, dossierWrites(states, stored));
}
