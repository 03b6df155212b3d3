import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { CHANNELS, DOSSIER_EVENT_TYPES, MAX_RATING_SCORE, MIN_RATING_SCORE, PAYMENT_METHODS, SCHEMA_VERSIONS, V1_EVENT_TYPES } from '@tthc/domain';
import { IsInstantWithOffset } from './validators';

/** A v1 event may only carry the v1 types; the five new types need schemaVersion 2. */
@ValidatorConstraint({ name: 'isTypeOfSchemaVersion' })
export class IsTypeOfSchemaVersionConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const version = (args.object as DossierEventDto).schemaVersion;
    return version !== 1 || (V1_EVENT_TYPES as readonly unknown[]).includes(value);
  }
  defaultMessage(): string {
    return '$property $value needs schemaVersion 2';
  }
}

const v2 = (e: DossierEventDto) => e.schemaVersion === 2;

/**
 * The event contract (PRODUCT.md; docs/event-contract.md), field by field, as it arrives on the
 * wire: v1, and its additive v2 (issue 15). A v1 event (schemaVersion 1) is checked exactly as
 * before: v2 fields it may carry are not read. A v2 event carries the v2 fields of its type:
 * `fullyOnline` and `componentsDigitized` on RECEIVED, `resultElectronic`, `resultDigitized` and
 * `dataReused` on RESOLVED, `method` on PAID, `score` on RATED.
 */
export class DossierEventDto {
  @IsDefined()
  @IsUUID('all')
  eventId!: string;

  @IsDefined()
  @IsInt()
  @IsIn(SCHEMA_VERSIONS)
  schemaVersion!: number;

  @IsDefined()
  @IsIn(DOSSIER_EVENT_TYPES)
  @Validate(IsTypeOfSchemaVersionConstraint)
  type!: (typeof DOSSIER_EVENT_TYPES)[number];

  @IsDefined()
  @IsString()
  @Length(1, 64)
  dossierId!: string;

  @IsDefined()
  @IsString()
  @MaxLength(32)
  @Matches(/^[0-9A-Za-z][0-9A-Za-z._-]*$/)
  unitCode!: string;

  @IsDefined()
  @IsString()
  @Length(1, 64)
  procedureCode!: string;

  @IsDefined()
  @MaxLength(40)
  @IsInstantWithOffset()
  occurredAt!: string;

  @ValidateIf((e: DossierEventDto) => e.type === 'RECEIVED' || e.channel !== undefined)
  @IsDefined()
  @IsIn(CHANNELS)
  channel?: (typeof CHANNELS)[number];

  @IsDefined()
  @MaxLength(40)
  @IsInstantWithOffset()
  dueAt!: string;

  // v2 (issue 15): checked only on a v2 event, required on its type, checked wherever present.

  @ValidateIf((e: DossierEventDto) => v2(e) && (e.type === 'RECEIVED' || e.fullyOnline !== undefined))
  @IsDefined()
  @IsBoolean()
  fullyOnline?: boolean;

  @ValidateIf((e: DossierEventDto) => v2(e) && (e.type === 'RECEIVED' || e.componentsDigitized !== undefined))
  @IsDefined()
  @IsBoolean()
  componentsDigitized?: boolean;

  @ValidateIf((e: DossierEventDto) => v2(e) && (e.type === 'RESOLVED' || e.resultElectronic !== undefined))
  @IsDefined()
  @IsBoolean()
  resultElectronic?: boolean;

  @ValidateIf((e: DossierEventDto) => v2(e) && (e.type === 'RESOLVED' || e.resultDigitized !== undefined))
  @IsDefined()
  @IsBoolean()
  resultDigitized?: boolean;

  @ValidateIf((e: DossierEventDto) => v2(e) && (e.type === 'RESOLVED' || e.dataReused !== undefined))
  @IsDefined()
  @IsBoolean()
  dataReused?: boolean;

  @ValidateIf((e: DossierEventDto) => v2(e) && (e.type === 'PAID' || e.method !== undefined))
  @IsDefined()
  @IsIn(PAYMENT_METHODS)
  method?: (typeof PAYMENT_METHODS)[number];

  @ValidateIf((e: DossierEventDto) => v2(e) && (e.type === 'RATED' || e.score !== undefined))
  @IsDefined()
  @IsInt()
  @Min(MIN_RATING_SCORE)
  @Max(MAX_RATING_SCORE)
  score?: number;
}

/** The fields only a v2 event's checks read (and which the v2 part of the schema holds). */
export const V2_CONTRACT_FIELDS = ['fullyOnline', 'componentsDigitized', 'resultElectronic', 'resultDigitized', 'dataReused', 'method', 'score'] as const;

/** Which type requires which v2 fields. */
export const V2_REQUIRED_BY_TYPE: Readonly<Partial<Record<(typeof DOSSIER_EVENT_TYPES)[number], readonly (typeof V2_CONTRACT_FIELDS)[number][]>>> = {
  RECEIVED: ['fullyOnline', 'componentsDigitized'],
  RESOLVED: ['resultElectronic', 'resultDigitized', 'dataReused'],
  PAID: ['method'],
  RATED: ['score'],
};
