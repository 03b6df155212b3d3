import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsInstantWithOffset, IsLocalDateString } from '@tthc/contracts';
import { ALERT_STATES, SEVERITIES } from '@tthc/domain';
import { DELIVERY_STATES } from '@tthc/persistence';

const CODE = /^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$/;
const RULE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** `GET /alerts?state&unitCode&ruleId&severity&from&to&limit`: `from`/`to` select alerts live at some point in the local-date range. */
export class AlertsQuery {
  @IsOptional()
  @IsIn(ALERT_STATES, { message: `state must be one of: ${ALERT_STATES.join(', ')}` })
  state?: (typeof ALERT_STATES)[number];

  @IsOptional()
  @Matches(CODE, { message: 'unitCode must be a unit code such as 28756' })
  unitCode?: string;

  @IsOptional()
  @Matches(RULE_ID, { message: 'ruleId must be a rule id such as online-rate-30d' })
  ruleId?: string;

  @IsOptional()
  @IsIn(SEVERITIES, { message: `severity must be one of: ${SEVERITIES.join(', ')}` })
  severity?: (typeof SEVERITIES)[number];

  @IsOptional()
  @IsLocalDateString()
  from?: string;

  @IsOptional()
  @IsLocalDateString()
  to?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(5000)
  limit?: number;
}

/** `GET /alerts/deliveries?state&unitCode&ruleId&limit`: webhook deliveries, newest first. */
export class DeliveriesQuery {
  @IsOptional()
  @IsIn(DELIVERY_STATES, { message: `state must be one of: ${DELIVERY_STATES.join(', ')}` })
  state?: (typeof DELIVERY_STATES)[number];

  @IsOptional()
  @Matches(CODE, { message: 'unitCode must be a unit code such as 28756' })
  unitCode?: string;

  @IsOptional()
  @Matches(RULE_ID, { message: 'ruleId must be a rule id such as online-rate-30d' })
  ruleId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(5000)
  limit?: number;
}

/** `GET /alerts/notifications?ruleId&unitCode&limit`: grouped notifications, newest first. */
export class NotificationsQuery {
  @IsOptional()
  @Matches(RULE_ID, { message: 'ruleId must be a rule id such as online-rate-30d' })
  ruleId?: string;

  @IsOptional()
  @Matches(CODE, { message: 'unitCode must be a unit code such as 28756' })
  unitCode?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(5000)
  limit?: number;
}

/** Who acknowledges is the API key's name (issue 10), never a body field. */
export class AckBody {
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class CreateSilenceBody {
  @IsOptional()
  @Matches(CODE, { message: 'unitCode must be a unit code such as 28756' })
  unitCode?: string;

  @IsOptional()
  @Matches(RULE_ID, { message: 'ruleId must be a rule id such as online-rate-30d' })
  ruleId?: string;

  /** Defaults to now. */
  @IsOptional()
  @IsInstantWithOffset()
  startsAt?: string;

  @IsInstantWithOffset()
  endsAt!: string;

  @IsString()
  @IsNotEmpty({ message: 'reason must say why the alerts are silenced' })
  @MaxLength(2000)
  reason!: string;
}

export class SilencesQuery {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'active must be true or false' })
  active?: 'true' | 'false';

  @IsOptional()
  @Matches(CODE, { message: 'unitCode must be a unit code such as 28756' })
  unitCode?: string;

  @IsOptional()
  @Matches(RULE_ID, { message: 'ruleId must be a rule id such as online-rate-30d' })
  ruleId?: string;
}
