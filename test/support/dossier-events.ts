import { randomUUID } from 'node:crypto';

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
export const resolved = (unitCode: string, dossierId: string, occurredAt: string, dueAt: string): V1Event =>
  base('RESOLVED', unitCode, dossierId, occurredAt, dueAt);
export const late = (unitCode: string, dossierId: string, occurredAt: string, dueAt: string): V1Event =>
  base('LATE', unitCode, dossierId, occurredAt, dueAt);

export const asMessage = (e: V1Event) => ({ key: e.dossierId, value: JSON.stringify(e) });
