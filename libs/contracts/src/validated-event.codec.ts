import type { DossierEvent } from '@tthc/domain';

/**
 * The wire form of `tthc.dossier.validated`: the already-validated event with its instants as
 * epoch milliseconds, so the aggregator does no second validation and no date parsing.
 * Only ingest writes this topic; the aggregator trusts it.
 */
export function encodeValidatedEvent(e: DossierEvent): string {
  return JSON.stringify(e);
}

export function decodeValidatedEvent(bytes: Buffer): DossierEvent {
  const e = JSON.parse(bytes.toString('utf8')) as DossierEvent;
  if (typeof e.eventId !== 'string' || typeof e.occurredAt !== 'number' || typeof e.dueAt !== 'number') {
    // Only a bug in ingest (or a foreign producer on our topic) gets here.
    throw new TypeError(`not a validated dossier event: ${bytes.toString('utf8').slice(0, 200)}`);
  }
  return e;
}
