import { Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { isInstant, isLocalDate } from '@tthc/domain';

/** The class-validator rules for the two kinds of time this system accepts at its edges. */
@ValidatorConstraint({ name: 'isLocalDate' })
export class IsLocalDateConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isLocalDate(value);
  }
  defaultMessage(): string {
    return '$property must be a calendar date written YYYY-MM-DD (local time), got "$value"';
  }
}

@ValidatorConstraint({ name: 'isInstantWithOffset' })
export class IsInstantWithOffsetConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isInstant(value);
  }
  defaultMessage(): string {
    return '$property must be an ISO-8601 timestamp with an offset, e.g. 2025-07-01T08:30:00+07:00';
  }
}

/** A local calendar date `YYYY-MM-DD` (query parameters). */
export const IsLocalDateString = () => Validate(IsLocalDateConstraint);
/** An ISO-8601 timestamp with an explicit offset (event fields, silences). */
export const IsInstantWithOffset = () => Validate(IsInstantWithOffsetConstraint);
