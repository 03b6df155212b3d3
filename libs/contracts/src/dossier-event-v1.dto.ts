import {
  Equals,
  IsDefined,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { CHANNELS, V1_EVENT_TYPES } from '@tthc/domain';
import { IsInstantWithOffset } from './validators';


/** The v1 event contract of PRODUCT.md, field by field, as it arrives on the wire. */
export class DossierEventV1Dto {
  @IsDefined() @IsUUID('all')
  eventId!: string;

  @IsDefined() @IsInt() @Equals(1)
  schemaVersion!: number;

  @IsDefined() @IsIn(V1_EVENT_TYPES)
  type!: (typeof V1_EVENT_TYPES)[number];

  @IsDefined() @IsString() @Length(1, 64)
  dossierId!: string;

  @IsDefined() @IsString() @MaxLength(32) @Matches(/^[0-9A-Za-z][0-9A-Za-z._-]*$/)
  unitCode!: string;

  @IsDefined() @IsString() @Length(1, 64)
  procedureCode!: string;

  @IsDefined() @MaxLength(40) @IsInstantWithOffset()
  occurredAt!: string;

  @ValidateIf((e: DossierEventV1Dto) => e.type === 'RECEIVED' || e.channel !== undefined)
  @IsDefined() @IsIn(CHANNELS)
  channel?: (typeof CHANNELS)[number];

  @IsDefined() @MaxLength(40) @IsInstantWithOffset()
  dueAt!: string;
}
