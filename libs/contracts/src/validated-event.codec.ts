import { type DossierEvent, type Rejection, checkDossierEventShape, rejection } from '@tthc/domain';
import { CONTRACT_FIELDS } from './decode-dossier-event';

/**
 * The wire form of one event on `tthc.dossier.validated`: the already-validated event with its
 * instants as epoch milliseconds, so the aggregator does no date parsing.
 */
export function encodeValidatedEvent(e: DossierEvent): string {
  return JSON.stringify(e);
}

/**
 * A record of `tthc.dossier.validated` holds one event (a JSON object) or a bundle of one unit's
 * events in their order (a JSON array), keyed by the unit either way (issue 12). Ingest bundles
 * what one batch forwards per unit: a Kafka record costs kafkajs ~10 µs to encode and the broker
 * and the aggregator as much again whatever its size, so one record per unit and batch instead of
 * one per event takes that off every event. Each bundle stays below `VALIDATED_BUNDLE_MAX_BYTES`.
 */
export const VALIDATED_BUNDLE_MAX_BYTES = 256 * 1024;

export interface ValidatedRecord {
  key: string;
  value: string;
  /** How many events the record carries. */
  events: number;
}

/** The records for a batch's forwarded events: one unit's events in order, bundled up to `maxBytes` a record. */
export function encodeValidatedRecords(events: readonly DossierEvent[], maxBytes = VALIDATED_BUNDLE_MAX_BYTES): ValidatedRecord[] {
  const byUnit = new Map<string, string[]>();
  for (const e of events) {
    let list = byUnit.get(e.unitCode);
    if (!list) byUnit.set(e.unitCode, (list = []));
    list.push(encodeValidatedEvent(e));
  }
  const records: ValidatedRecord[] = [];
  for (const [key, encoded] of byUnit) {
    let part: string[] = [];
    let bytes = 2;
    const flush = () => {
      if (part.length) records.push({ key, value: part.length === 1 ? part[0] : `[${part.join(',')}]`, events: part.length });
      part = [];
      bytes = 2;
    };
    for (const one of encoded) {
      const size = Buffer.byteLength(one) + 1;
      if (part.length && bytes + size > maxBytes) flush();
      part.push(one);
      bytes += size;
    }
    flush();
  }
  return records;
}

export type DecodedValidated = { ok: true; events: DossierEvent[] } | { ok: false; rejection: Rejection };

/** One decoder for every record: `fatal` makes a malformed UTF-8 byte an error instead of U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Only ingest should write this topic, but the aggregator does not trust that: every event of a
 * record is checked with the same limits as the contract (checkDossierEventShape), and a record
 * with one that fails is dead-lettered whole with its reason instead of reaching the database (a
 * record ingest would not have written is a defect upstream; the DLQ keeps it to replay). Never throws.
 */
export function decodeValidatedRecord(bytes: Buffer | null): DecodedValidated {
  if (!bytes || bytes.length === 0) return { ok: false, rejection: rejection('MALFORMED_JSON', 'validated topic: empty record') };
  let plain: unknown;
  try {
    plain = JSON.parse(UTF8.decode(bytes));
  } catch (e) {
    return { ok: false, rejection: rejection('MALFORMED_JSON', `validated topic: ${(e as Error).message}`) };
  }
  if (!Array.isArray(plain)) {
    const one = validatedEventOf(plain, '');
    return 'code' in one ? { ok: false, rejection: one } : { ok: true, events: [one] };
  }
  if (plain.length === 0) return { ok: false, rejection: rejection('MALFORMED_JSON', 'validated topic: empty bundle') };
  const events: DossierEvent[] = [];
  for (let i = 0; i < plain.length; i++) {
    const one = validatedEventOf(plain[i], `event ${i + 1} of ${plain.length}: `);
    if ('code' in one) return { ok: false, rejection: one };
    events.push(one);
  }
  return { ok: true, events };
}

function validatedEventOf(plain: unknown, where: string): DossierEvent | Rejection {
  const problem = checkDossierEventShape(plain);
  if (problem) return rejection(problem.code, `validated topic: ${where}${problem.detail}`);
  // Only the contract's fields, so nothing else the record carries reaches storage.
  const source = plain as Record<string, unknown>;
  const event = {} as Record<string, unknown>;
  for (const f of CONTRACT_FIELDS) if (source[f] !== undefined) event[f] = source[f];
  return event as unknown as DossierEvent;
}
