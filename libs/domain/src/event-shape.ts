import { CHANNELS, DOSSIER_EVENT_TYPES, type DossierEvent, MAX_RATING_SCORE, MIN_RATING_SCORE, PAYMENT_METHODS, V1_EVENT_TYPES, V2_RECEIPT_FIELDS, V2_RESOLUTION_FIELDS } from './dossier-event';
import { startOfLocalDay } from './local-day';
import { type Rejection, rejection } from './rejection';
import { textFault } from './text-rules';

/**
 * The window every stored instant must fall in. PostgreSQL cannot store some instants a valid
 * ISO string can name (year 0), and nothing the province's systems did happened before 2000 or
 * is due after 2100, so anything outside is a source defect, not a late or early event.
 */
export const EARLIEST_INSTANT = startOfLocalDay('2000-01-01');
export const LATEST_INSTANT = startOfLocalDay('2100-01-01');

export const MAX_DOSSIER_ID_LENGTH = 64;
export const MAX_PROCEDURE_CODE_LENGTH = 64;
export const MAX_UNIT_CODE_LENGTH = 32;
export const UNIT_CODE_PATTERN = /^[0-9A-Za-z][0-9A-Za-z._-]*$/;
/** Canonical lower-case UUID text: how ingest writes eventId onto the validated topic. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The first instant of an event outside the storable window, as a rejection. */
export function instantOutOfRange(event: Pick<DossierEvent, 'occurredAt' | 'dueAt'>): Rejection | undefined {
  for (const field of ['occurredAt', 'dueAt'] as const) {
    const t = event[field];
    if (t < EARLIEST_INSTANT || t >= LATEST_INSTANT) {
      const shown = Number.isFinite(t) && Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : String(t);
      return rejection('INSTANT_OUT_OF_RANGE', `${field} ${shown} is outside 2000-01-01 … 2100-01-01 (local time)`);
    }
  }
  return undefined;
}

function textField(e: Record<string, unknown>, field: string, maxLength: number): Rejection | undefined {
  const v = e[field];
  if (v === undefined || v === null) return rejection('MISSING_FIELD', `${field} is required`);
  if (typeof v !== 'string') return rejection('INVALID_FIELD', `${field} must be a string`);
  const fault = textFault(v);
  if (fault) return rejection(fault, `${field} contains a character that cannot be stored as text`);
  if (v.length === 0) return rejection('INVALID_FIELD', `${field} must not be empty`);
  if (v.length > maxLength) return rejection('VALUE_TOO_LONG', `${field} is ${v.length} characters, at most ${maxLength}`);
  return undefined;
}

/**
 * Whether a value is a dossier event in the internal form (instants as epoch ms) that every
 * stage can store: the same limits the v1 contract sets at ingest, checked without trusting the
 * producer. The aggregator runs it on every record of the validated topic, so a record ingest
 * (or anyone else) wrote wrongly is dead-lettered instead of failing a database batch; ingest runs
 * it on what it is about to forward, so what ingest forwards the aggregator always accepts.
 */
export function checkDossierEventShape(value: unknown): Rejection | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return rejection('MALFORMED_JSON', 'the record is not a JSON object');
  }
  const e = value as Record<string, unknown>;
  if (typeof e.eventId !== 'string' || !CANONICAL_UUID.test(e.eventId)) return rejection('INVALID_FIELD', 'eventId must be a lower-case UUID');
  if (typeof e.type !== 'string' || !(DOSSIER_EVENT_TYPES as readonly string[]).includes(e.type)) {
    return rejection('INVALID_FIELD', `type must be one of ${DOSSIER_EVENT_TYPES.join(', ')}`);
  }
  const text = textField(e, 'dossierId', MAX_DOSSIER_ID_LENGTH) ?? textField(e, 'unitCode', MAX_UNIT_CODE_LENGTH) ?? textField(e, 'procedureCode', MAX_PROCEDURE_CODE_LENGTH);
  if (text) return text;
  if (!UNIT_CODE_PATTERN.test(e.unitCode as string)) return rejection('INVALID_FIELD', 'unitCode must be letters, digits, ".", "_" or "-"');
  for (const field of ['occurredAt', 'dueAt'] as const) {
    if (!Number.isSafeInteger(e[field])) return rejection('INVALID_FIELD', `${field} must be epoch milliseconds`);
  }
  const outOfRange = instantOutOfRange(e as unknown as DossierEvent);
  if (outOfRange) return outOfRange;
  if (e.type === 'RECEIVED' ? !(CHANNELS as readonly unknown[]).includes(e.channel) : e.channel !== undefined) {
    return rejection('INVALID_FIELD', e.type === 'RECEIVED' ? `channel must be one of ${CHANNELS.join(', ')}` : 'channel is only carried by RECEIVED');
  }
  return v2Problem(e);
}

/**
 * The v2 part (issue 15) in the internal form: a v1 event (no schemaVersion) has v1 fields only;
 * a v2 event (schemaVersion 2) carries exactly its type's v2 fields, as ingest's decoding writes them.
 */
function v2Problem(e: Record<string, unknown>): Rejection | undefined {
  const type = e.type as DossierEvent['type'];
  const expected: readonly string[] =
    e.schemaVersion === undefined ? [] : type === 'RECEIVED' ? V2_RECEIPT_FIELDS : type === 'RESOLVED' ? V2_RESOLUTION_FIELDS : type === 'PAID' ? ['method'] : type === 'RATED' ? ['score'] : [];
  if (e.schemaVersion !== undefined && e.schemaVersion !== 2) return rejection('UNSUPPORTED_SCHEMA_VERSION', 'schemaVersion must be absent (v1) or 2');
  if (e.schemaVersion === undefined && !(V1_EVENT_TYPES as readonly string[]).includes(type)) return rejection('INVALID_FIELD', `type ${type} needs schemaVersion 2`);
  for (const f of [...V2_RECEIPT_FIELDS, ...V2_RESOLUTION_FIELDS, 'method', 'score']) {
    const v = e[f];
    if (!expected.includes(f)) {
      if (v !== undefined) return rejection('INVALID_FIELD', `${f} is not carried by a ${e.schemaVersion === undefined ? 'v1' : 'v2'} ${type}`);
      continue;
    }
    if (v === undefined || v === null) return rejection('MISSING_FIELD', `${f} is required`);
    const ok =
      f === 'method'
        ? (PAYMENT_METHODS as readonly unknown[]).includes(v)
        : f === 'score'
          ? Number.isInteger(v) && (v as number) >= MIN_RATING_SCORE && (v as number) <= MAX_RATING_SCORE
          : typeof v === 'boolean';
    if (!ok) return rejection('INVALID_FIELD', `${f} has an invalid value`);
  }
  return undefined;
}
