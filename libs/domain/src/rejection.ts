/**
 * Why an incoming event was rejected. The codes are stable: operators filter the DLQ by them
 * and downstream tools may match on them, so never rename one.
 */
export const REJECTION_REASONS = {
  PAYLOAD_TOO_LARGE: 'the message is larger than the accepted maximum',
  MALFORMED_JSON: 'the message is not a JSON object in UTF-8',
  UNSUPPORTED_SCHEMA_VERSION: 'schemaVersion is not one this system understands',
  MISSING_FIELD: 'a required field is absent',
  INVALID_FIELD: 'a field has the wrong type or format',
  VALUE_TOO_LONG: 'a field value is longer than allowed',
  UNKNOWN_UNIT: 'unitCode is not in the unit catalogue',
  DUE_BEFORE_RECEIPT: 'dueAt is before the receipt time',
  OCCURRED_IN_FUTURE: 'occurredAt is further in the future than clock skew explains',
} as const;

export type RejectionCode = keyof typeof REJECTION_REASONS;

export interface Rejection {
  code: RejectionCode;
  /** What exactly was wrong, naming the field: `dueAt: 2025-07-01T… is before occurredAt …`. */
  detail: string;
}
