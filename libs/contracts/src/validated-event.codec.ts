import { type DossierEvent, type Rejection, checkDossierEventShape, rejection } from '@tthc/domain';

/**
 * The wire form of `tthc.dossier.validated`: the already-validated event with its instants as
 * epoch milliseconds, so the aggregator does no date parsing.
 */
export function encodeValidatedEvent(e: DossierEvent): string {
  return JSON.stringify(e);
}

export type DecodedValidated = { ok: true; event: DossierEvent } | { ok: false; rejection: Rejection };

/** One decoder for every record: `fatal` makes a malformed UTF-8 byte an error instead of U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const EVENT_FIELDS = [
  'eventId',
  'type',
  'schemaVersion',
  'dossierId',
  'unitCode',
  'procedureCode',
  'occurredAt',
  'channel',
  'dueAt',
  'fullyOnline',
  'componentsDigitized',
  'resultElectronic',
  'resultDigitized',
  'dataReused',
  'method',
  'score',
] as const;

/**
 * Only ingest should write this topic, but the aggregator does not trust that: every record is
 * checked with the same limits as the contract (checkDossierEventShape), and one that fails is
 * dead-lettered with its reason instead of reaching the database. Never throws.
 */
export function decodeValidatedEvent(bytes: Buffer | null): DecodedValidated {
  if (!bytes || bytes.length === 0) return { ok: false, rejection: rejection('MALFORMED_JSON', 'validated topic: empty record') };
  let plain: unknown;
  try {
    plain = JSON.parse(UTF8.decode(bytes));
  } catch (e) {
    return { ok: false, rejection: rejection('MALFORMED_JSON', `validated topic: ${(e as Error).message}`) };
  }
  const problem = checkDossierEventShape(plain);
  if (problem) return { ok: false, rejection: rejection(problem.code, `validated topic: ${problem.detail}`) };
  // Only the contract's fields, so nothing else the record carries reaches storage.
  const source = plain as Record<string, unknown>;
  const event = {} as Record<string, unknown>;
  for (const f of EVENT_FIELDS) if (source[f] !== undefined) event[f] = source[f];
  return { ok: true, event: event as unknown as DossierEvent };
}
