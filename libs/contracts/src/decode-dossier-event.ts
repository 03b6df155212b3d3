import { validateSync, type ValidationError } from 'class-validator';
import { type DossierEvent, type Rejection, parseInstant, rejection, textFault } from '@tthc/domain';
import { compiledShapeRejection } from './compiled-event.validator';
import { DossierEventDto, V2_REQUIRED_BY_TYPE } from './dossier-event-v1.dto';

export type Decoded = { ok: true; event: DossierEvent } | { ok: false; rejection: Rejection };

export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024;

/** The event contract's fields, v1 then v2: all that decoding keeps of a record (here and on the validated topic). */
export const CONTRACT_FIELDS = [
  'eventId',
  'schemaVersion',
  'type',
  'dossierId',
  'unitCode',
  'procedureCode',
  'occurredAt',
  'channel',
  'dueAt',
  // v2 (issue 15): read only from a v2 event, and only the ones its type carries.
  'fullyOnline',
  'componentsDigitized',
  'resultElectronic',
  'resultDigitized',
  'dataReused',
  'method',
  'score',
] as const;

const LENGTH_CONSTRAINTS = new Set(['maxLength', 'isLength']);

/** One decoder for every message: `fatal` makes a malformed UTF-8 byte an error instead of U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A parsed object's fields that the contract defines (a key such as "constructor" or "__proto__" cannot reach them). */
type ContractFields = Partial<Record<(typeof CONTRACT_FIELDS)[number], unknown>>;

function rejectionFrom(errors: ValidationError[]): Rejection {
  const missing = errors.filter((e) => e.value === undefined || e.value === null);
  if (missing.length > 0) {
    return rejection('MISSING_FIELD', missing.map((e) => `${e.property} is required`).join('; '));
  }
  const version = errors.find((e) => e.property === 'schemaVersion');
  if (version) {
    return rejection('UNSUPPORTED_SCHEMA_VERSION', `schemaVersion ${JSON.stringify(version.value)} is not 1 or 2`);
  }
  const detail = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ');
  const tooLong = errors.some((e) => typeof e.value === 'string' && Object.keys(e.constraints ?? {}).some((c) => LENGTH_CONSTRAINTS.has(c)) && e.value.length > 0);
  return rejection(tooLong ? 'VALUE_TOO_LONG' : 'INVALID_FIELD', detail);
}

/** The contract as written: the DTO's class-validator rules (the reference the compiled validator is held to). */
export function dtoShapeRejection(fields: ContractFields): Rejection | undefined {
  // Copying the contract's fields onto a fresh DTO is what plainToInstance does for a flat DTO.
  const dto = Object.assign(new DossierEventDto(), fields);
  const errors = validateSync(dto, { stopAtFirstError: true });
  return errors.length > 0 ? rejectionFrom(errors) : undefined;
}

export type ShapeCheck = (fields: ContractFields) => Rejection | undefined;

/**
 * Bytes off the wire → a validated event or a rejection with a stable reason code.
 * Never throws: a poison message must not stop a consumer (PRODUCT.md).
 *
 * The shape is checked by the validator compiled from the contract's JSON Schema (issue 12:
 * class-validator per record was a tenth of ingest's CPU); `shape` lets the equivalence test run
 * the same decoding with the DTO's own rules.
 */
export function decodeDossierEvent(bytes: Buffer | null, maxBytes = DEFAULT_MAX_EVENT_BYTES, shape: ShapeCheck = compiledShapeRejection): Decoded {
  if (!bytes || bytes.length === 0) {
    return { ok: false, rejection: rejection('MALFORMED_JSON', 'empty message') };
  }
  if (bytes.length > maxBytes) {
    return { ok: false, rejection: rejection('PAYLOAD_TOO_LARGE', `${bytes.length} bytes > ${maxBytes}`) };
  }
  let plain: unknown;
  try {
    plain = JSON.parse(UTF8.decode(bytes));
  } catch (e) {
    return { ok: false, rejection: rejection('MALFORMED_JSON', (e as Error).message) };
  }
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, rejection: rejection('MALFORMED_JSON', 'the message is not a JSON object') };
  }
  const source = plain as Record<string, unknown>;
  const fields: ContractFields = {};
  for (const field of CONTRACT_FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(source, field)) continue;
    const value = source[field];
    // Before the shape: a NUL inside an otherwise valid dossierId would pass every length and
    // format rule, then make PostgreSQL refuse the whole batch (SQLSTATE 22021).
    const fault = typeof value === 'string' ? textFault(value) : undefined;
    if (fault) return { ok: false, rejection: rejection(fault, `${field} contains a character that cannot be stored as text`) };
    fields[field] = value;
  }
  const problem = shape(fields);
  if (problem) return { ok: false, rejection: problem };
  const e = fields as unknown as DossierEventDto;
  const event: DossierEvent = {
    eventId: e.eventId.toLowerCase(),
    type: e.type,
    dossierId: e.dossierId,
    unitCode: e.unitCode,
    procedureCode: e.procedureCode,
    occurredAt: parseInstant(e.occurredAt) as number,
    channel: e.type === 'RECEIVED' ? e.channel : undefined,
    dueAt: parseInstant(e.dueAt) as number,
  };
  if (e.schemaVersion === 2) {
    // A v1 event keeps exactly its v1 form; a v2 one carries its version and its type's v2 fields.
    event.schemaVersion = 2;
    for (const f of V2_REQUIRED_BY_TYPE[e.type] ?? []) (event as unknown as Record<string, unknown>)[f] = e[f];
  }
  return { ok: true, event };
}
