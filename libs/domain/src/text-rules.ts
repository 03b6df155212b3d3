import type { RejectionCode } from './rejection';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why a string cannot be stored as text, or undefined. PostgreSQL refuses U+0000 in `text`
 * (SQLSTATE 22021) and a lone surrogate has no UTF-8 form (Node would silently store U+FFFD
 * instead); other control characters are refused too, since no dossier code or procedure code
 * legitimately carries one and they corrupt CSV exports and logs.
 */
export function textFault(value: string): Extract<RejectionCode, 'CONTROL_CHARACTER' | 'INVALID_UNICODE'> | undefined {
  if (CONTROL.test(value)) return 'CONTROL_CHARACTER';
  if (!value.isWellFormed()) return 'INVALID_UNICODE';
  return undefined;
}
