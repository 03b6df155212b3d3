/** The v1 dossier event, after validation, with its timestamps as epoch milliseconds. */
export const DOSSIER_EVENT_TYPES = ['RECEIVED', 'RESOLVED', 'LATE'] as const;
export type DossierEventType = (typeof DOSSIER_EVENT_TYPES)[number];

export const CHANNELS = ['ONLINE', 'DIRECT'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CURRENT_SCHEMA_VERSION = 1;

export interface DossierEvent {
  eventId: string;
  type: DossierEventType;
  dossierId: string;
  unitCode: string;
  procedureCode: string;
  occurredAt: number;
  /** Present on RECEIVED (required there); ignored elsewhere. */
  channel?: Channel;
  dueAt: number;
}
