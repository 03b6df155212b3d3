/**
 * The dossier event, after validation, with its timestamps as epoch milliseconds: contract v1 and
 * its additive v2 (issue 15; docs/event-contract.md). Every v1 event is a valid event here and
 * means what it meant; v2 adds fields to RECEIVED and RESOLVED and five event types.
 */
export const V1_EVENT_TYPES = ['RECEIVED', 'RESOLVED', 'LATE'] as const;
/** Types only a v2 event (schemaVersion 2) may carry. */
export const V2_EVENT_TYPES = ['PAID', 'RATED', 'FEEDBACK_RECEIVED', 'FEEDBACK_RESOLVED', 'WITHDRAWN'] as const;
export const DOSSIER_EVENT_TYPES = [...V1_EVENT_TYPES, ...V2_EVENT_TYPES] as const;
export type DossierEventType = (typeof DOSSIER_EVENT_TYPES)[number];

export const CHANNELS = ['ONLINE', 'DIRECT'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PAYMENT_METHODS = ['ONLINE', 'COUNTER'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** RATED scores: 1 (rất không hài lòng) … 5 (rất hài lòng); 4 and 5 count as satisfied. */
export const MIN_RATING_SCORE = 1;
export const MAX_RATING_SCORE = 5;
export const SATISFIED_FROM_SCORE = 4;

export const SCHEMA_VERSIONS = [1, 2] as const;
/** The newest contract version (what the simulator's v2 sources write). */
export const CURRENT_SCHEMA_VERSION = 2;

/** The v2 fields of a RECEIVED: both present on a v2 RECEIVED, both absent on a v1 one. */
export const V2_RECEIPT_FIELDS = ['fullyOnline', 'componentsDigitized'] as const;
/** The v2 fields of a RESOLVED: all three present on a v2 RESOLVED, all absent on a v1 one. */
export const V2_RESOLUTION_FIELDS = ['resultElectronic', 'resultDigitized', 'dataReused'] as const;

export interface DossierEvent {
  eventId: string;
  type: DossierEventType;
  /** 2 for a v2 event; absent for v1 (so a v1 event keeps its v1 wire form on the validated topic). */
  schemaVersion?: 2;
  dossierId: string;
  unitCode: string;
  procedureCode: string;
  occurredAt: number;
  /** Present on RECEIVED (required there); ignored elsewhere. */
  channel?: Channel;
  /**
   * The deadline in force: the dossier's (hạn giải quyết) on every type except FEEDBACK_RECEIVED
   * and FEEDBACK_RESOLVED, where it is the feedback's own deadline.
   */
  dueAt: number;
  /** v2 RECEIVED: processed fully online ("toàn trình": submitted, paid and returned electronically). */
  fullyOnline?: boolean;
  /** v2 RECEIVED: the dossier's components were digitised at receipt. */
  componentsDigitized?: boolean;
  /** v2 RESOLVED: the result was issued electronically. */
  resultElectronic?: boolean;
  /** v2 RESOLVED: the result was digitised into the dossier store. */
  resultDigitized?: boolean;
  /** v2 RESOLVED: digitised data already held was reused instead of asked for again. */
  dataReused?: boolean;
  /** PAID: how the fee was paid. */
  method?: PaymentMethod;
  /** RATED: 1–5. */
  score?: number;
}
