import { randomUUID } from 'node:crypto';
import { encodeValidatedEvent } from '@tthc/contracts';

/** v1 events as a source system would send them (PRODUCT.md, event contract). */
export interface V1Event {
  eventId: string;
  schemaVersion: 1;
  type: 'RECEIVED' | 'RESOLVED' | 'LATE';
  dossierId: string;
  unitCode: string;
  procedureCode: string;
  occurredAt: string;
  channel?: 'ONLINE' | 'DIRECT';
  dueAt: string;
}

const base = (type: V1Event['type'], unitCode: string, dossierId: string, occurredAt: string, dueAt: string): V1Event => ({
  eventId: randomUUID(),
  schemaVersion: 1,
  type,
  dossierId,
  unitCode,
  procedureCode: '1.001612',
  occurredAt,
  dueAt,
});

export const received = (unitCode: string, dossierId: string, occurredAt: string, channel: 'ONLINE' | 'DIRECT', dueAt: string): V1Event => ({
  ...base('RECEIVED', unitCode, dossierId, occurredAt, dueAt),
  channel,
});
export const resolved = (unitCode: string, dossierId: string, occurredAt: string, dueAt: string): V1Event => base('RESOLVED', unitCode, dossierId, occurredAt, dueAt);
export const late = (unitCode: string, dossierId: string, occurredAt: string, dueAt: string): V1Event => base('LATE', unitCode, dossierId, occurredAt, dueAt);

export const asMessage = (e: V1Event) => ({ key: e.dossierId, value: JSON.stringify(e) });

/**
 * `count` new dossiers received in `unit` at `at` (due a day later), numbered from `first` (event
 * and dossier `d-<n>`), as messages of the validated topic: its wire form, keyed by unit.
 */
export function validatedReceipts(unit: string, first: number, count: number, at: number, channel: (n: number) => 'ONLINE' | 'DIRECT' = () => 'ONLINE') {
  return Array.from({ length: count }, (_, i) => {
    const n = first + i;
    const event = {
      eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      type: 'RECEIVED' as const,
      dossierId: `d-${n}`,
      unitCode: unit,
      procedureCode: '1.001612',
      occurredAt: at,
      channel: channel(n),
      dueAt: at + 86_400_000,
    };
    return { key: unit, value: encodeValidatedEvent(event) };
  });
}

/** v2 events (issue 15; docs/event-contract.md): a type and its v2 fields. */
export interface V2Event {
  eventId: string;
  schemaVersion: 2;
  type: 'RECEIVED' | 'RESOLVED' | 'LATE' | 'PAID' | 'RATED' | 'FEEDBACK_RECEIVED' | 'FEEDBACK_RESOLVED' | 'WITHDRAWN';
  dossierId: string;
  unitCode: string;
  procedureCode: string;
  occurredAt: string;
  dueAt: string;
  channel?: 'ONLINE' | 'DIRECT';
  fullyOnline?: boolean;
  componentsDigitized?: boolean;
  resultElectronic?: boolean;
  resultDigitized?: boolean;
  dataReused?: boolean;
  method?: 'ONLINE' | 'COUNTER';
  score?: number;
}

export const v2Event = (
  type: V2Event['type'],
  unitCode: string,
  dossierId: string,
  occurredAt: string,
  dueAt: string,
  fields: Partial<Omit<V2Event, 'type' | 'unitCode' | 'dossierId' | 'occurredAt' | 'dueAt'>> = {},
): V2Event => ({ eventId: randomUUID(), schemaVersion: 2, type, dossierId, unitCode, procedureCode: '1.001612', occurredAt, dueAt, ...fields });

export const asV2Message = (e: V2Event | V1Event) => ({ key: e.dossierId, value: JSON.stringify(e) });
