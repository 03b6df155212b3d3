import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { CommonSettings, IntSetting } from '@tthc/config';

export class NotifierSettings extends CommonSettings {
  @IsString() @IsNotEmpty()
  NOTIFIER_GROUP_ID = 'tthc-notifier';

  /**
   * The rules as JSON (an array; see alert-rules.config.ts). Unset: the defaults of PRODUCT.md,
   * both rates below 80 % over rolling 30 days, 30 dossiers, 2-point margin, 5-point step.
   */
  @IsOptional() @IsString()
  ALERT_RULES?: string;

  /**
   * How often every unit is evaluated without a metric change: windows move at local midnight,
   * silences expire and "for" durations elapse on a quiet unit too.
   */
  @IntSetting() @IsInt() @Min(200) @Max(3_600_000)
  ALERT_TICK_MS = 15_000;

  /**
   * How often the notifier looks for transitions another process wrote (an operator's
   * acknowledgement, through the API) and publishes them to `tthc.alerts` and the webhooks,
   * instead of waiting for the next tick. One indexed probe per poll.
   */
  @IntSetting() @IsInt() @Min(50) @Max(60_000)
  ALERT_BACKLOG_POLL_MS = 500;

  /** Webhook receivers, comma-separated; empty: no webhooks. */
  @Matches(/^$|^https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*$/, { message: 'must be http(s) URLs separated by commas' })
  ALERT_WEBHOOK_URLS = '';

  /** HMAC-SHA256 key for `X-TTHC-Signature`; required once a webhook URL is set. */
  @ValidateIf((s: NotifierSettings) => s.ALERT_WEBHOOK_URLS !== '')
  @IsString() @Matches(/^.{16,}$/, { message: 'must be at least 16 characters when ALERT_WEBHOOK_URLS is set' })
  ALERT_WEBHOOK_SECRET = '';

  /** Attempts per delivery before it becomes a dead-letter record. */
  @IntSetting() @IsInt() @Min(1) @Max(50)
  ALERT_WEBHOOK_MAX_ATTEMPTS = 8;

  /** First retry delay; doubles per attempt with jitter, capped by ALERT_WEBHOOK_BACKOFF_MAX_MS. */
  @IntSetting() @IsInt() @Min(10) @Max(600_000)
  ALERT_WEBHOOK_BACKOFF_MS = 1_000;

  @IntSetting() @IsInt() @Min(10) @Max(3_600_000)
  ALERT_WEBHOOK_BACKOFF_MAX_MS = 300_000;

  @IntSetting() @IsInt() @Min(100) @Max(120_000)
  ALERT_WEBHOOK_TIMEOUT_MS = 5_000;

  /** How often the delivery worker looks for due deliveries when it has nothing in hand. */
  @IntSetting() @IsInt() @Min(20) @Max(60_000)
  ALERT_DELIVERY_POLL_MS = 250;
}
