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
  CONTROL_CHARACTER: 'a text field contains a control character (U+0000–U+001F, U+007F–U+009F)',
  INVALID_UNICODE: 'a text field contains a lone UTF-16 surrogate, which no storage can keep as text',
  INSTANT_OUT_OF_RANGE: 'a timestamp lies outside the plausible window (2000-01-01 to 2100-01-01, local time)',
  UNKNOWN_UNIT: 'unitCode is not in the unit catalogue',
  DUE_BEFORE_RECEIPT: 'dueAt is before the receipt time',
  OCCURRED_IN_FUTURE: 'occurredAt is further in the future than clock skew explains',
  STORAGE_REJECTED: 'the event passed validation but PostgreSQL or the broker refused to store it',
} as const;

export type RejectionCode = keyof typeof REJECTION_REASONS;

export interface Rejection {
  code: RejectionCode;
  /** What exactly was wrong, naming the field: `dueAt: 2025-07-01T… is before occurredAt …`. */
  detail: string;
}

/** Details are stored (PostgreSQL text, Kafka headers) and shown to operators: bounded and printable. */
export const MAX_REJECTION_DETAIL_CHARS = 500;

/**
 * A rejection whose detail is safe to store anywhere: control characters and lone surrogates
 * (which may come straight from the input, e.g. inside a JSON parser's message) are written as
 * `\uXXXX`, so a detail never carries the raw NUL that made PostgreSQL refuse the event.
 */
export function rejection(code: RejectionCode, detail: string): Rejection {
  return { code, detail: printable(detail, MAX_REJECTION_DETAIL_CHARS) };
}

// C0, DEL and C1 controls, and UTF-16 surrogates that are not part of a pair.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` with every control character and lone surrogate escaped, cut to `maxChars`. */
export function printable(text: string, maxChars: number): string {
  const escaped = text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (escaped.length <= maxChars) return escaped;
  // Do not cut a surrogate pair in half: that would bring back what this function removes.
  let end = maxChars - 1;
  if (/[\ud800-\udbff]/.test(escaped[end - 1])) end--;
  return `${escaped.slice(0, end)}…`;
}
