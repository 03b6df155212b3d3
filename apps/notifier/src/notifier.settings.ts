import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { CommonSettings, type CrossCheckedSettings, IntSetting, SecretSetting, isLocalMode } from '@tthc/config';
import { type WebhookReceiver, parseWebhookReceivers } from './webhooks/webhook-receivers.config';

export class NotifierSettings extends CommonSettings implements CrossCheckedSettings {
  @IsString()
  @IsNotEmpty()
  NOTIFIER_GROUP_ID = 'tthc-notifier';

  /**
   * The rules as JSON (an array; see alert-rules.config.ts). Unset: the defaults of PRODUCT.md,
   * both rates below 80 % over rolling 30 days, 30 dossiers, 2-point margin, 5-point step.
   */
  @IsOptional()
  @IsString()
  ALERT_RULES?: string;

  /**
   * How often every unit is evaluated without a metric change: windows move at local midnight,
   * silences expire and "for" durations elapse on a quiet unit too.
   */
  @IntSetting()
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  ALERT_TICK_MS = 15_000;

  /**
   * How often the notifier looks for transitions another process wrote (an operator's
   * acknowledgement, through the API) and publishes them to `tthc.alerts` and the webhooks,
   * instead of waiting for the next tick. One indexed probe per poll.
   */
  @IntSetting()
  @IsInt()
  @Min(50)
  @Max(60_000)
  ALERT_BACKLOG_POLL_MS = 500;

  /**
   * Webhook receivers as JSON, `[{"url": "https://…", "secret": "…"}]`: one HMAC secret per
   * receiver (≥ 32 characters), HTTPS outside local mode. Unset: no webhooks.
   */
  @SecretSetting()
  @IsOptional()
  @IsString()
  ALERT_WEBHOOKS?: string;

  /** Attempts per delivery before it becomes a dead-letter record. */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(50)
  ALERT_WEBHOOK_MAX_ATTEMPTS = 8;

  /** First retry delay; doubles per attempt with jitter, capped by ALERT_WEBHOOK_BACKOFF_MAX_MS. */
  @IntSetting()
  @IsInt()
  @Min(10)
  @Max(600_000)
  ALERT_WEBHOOK_BACKOFF_MS = 1_000;

  @IntSetting()
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  ALERT_WEBHOOK_BACKOFF_MAX_MS = 300_000;

  @IntSetting()
  @IsInt()
  @Min(100)
  @Max(120_000)
  ALERT_WEBHOOK_TIMEOUT_MS = 5_000;

  /** How often the delivery worker looks for due deliveries when it has nothing in hand. */
  @IntSetting()
  @IsInt()
  @Min(20)
  @Max(60_000)
  ALERT_DELIVERY_POLL_MS = 250;

  /**
   * Grouped notifications (issue 15), as Alertmanager's group_wait: after the first new
   * transition of a rule that has been quiet, wait this long so the units that breach together
   * go out in one message.
   */
  @IntSetting()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  ALERT_GROUP_WAIT_MS = 30_000;

  /** As Alertmanager's group_interval: the least time between two messages of the same rule. */
  @IntSetting()
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  ALERT_GROUP_INTERVAL_MS = 300_000;

  /**
   * The most units one message lists; more waiting go out in further messages of the rule at
   * once (each says it `continues`). Bounds a message's size at national scale (3,321 communes).
   */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(10_000)
  ALERT_GROUP_MAX_UNITS = 500;

  /** An evaluation's statements are short; the alert-log lock is held only while they run. */
  override DB_STATEMENT_TIMEOUT_MS = 30_000;

  override crossCheck(): string[] {
    return [...super.crossCheck(), ...parseWebhookReceivers(this.ALERT_WEBHOOKS, isLocalMode(this)).problems];
  }

  webhookReceivers(): WebhookReceiver[] {
    return parseWebhookReceivers(this.ALERT_WEBHOOKS, isLocalMode(this)).receivers;
  }
}
