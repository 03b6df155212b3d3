import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LOGGER, METRICS, SETTINGS } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import { type DueDelivery, claimDueDeliveries, markDelivered, markFailed } from '@tthc/persistence';
import { type Logger, backoffMs, redactUrl, redactUrlsIn } from '@tthc/platform';
import type { NotifierSettings } from '../notifier.settings';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

export type AttemptOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string; recoverable: boolean };

/**
 * Whether a failed attempt is worth another try, as Alertmanager's webhook notifier decides
 * (notify/util.go): a 5xx, 408, 429 or a network error is recoverable; any other 4xx means the
 * receiver rejects this request as it is, and repeating it cannot help.
 */
export function classifyResponse(status: number, location?: string | null): AttemptOutcome {
  if (status >= 200 && status < 300) return { ok: true, status };
  // Redirects are not followed (issue 10: a 307 re-sent the signed body wherever it pointed); the
  // receiver's address is wrong, and repeating the request cannot fix that.
  if (status >= 300 && status < 400) {
    return { ok: false, status, error: `HTTP ${status} redirect${location ? ` to ${redactUrl(location)}` : ''} not followed`, recoverable: false };
  }
  const recoverable = status >= 500 || status === 408 || status === 429;
  return { ok: false, status, error: `HTTP ${status}`, recoverable };
}

/**
 * A receiver URL with user-info (`https://user:password@host/…`) as fetch takes it: the
 * credentials as a Basic Authorization header (fetch refuses URLs that carry them).
 */
export function splitCredentials(raw: string): { url: string; authorization?: string } {
  const u = new URL(raw);
  if (!u.username && !u.password) return { url: raw };
  const pair = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = '';
  u.password = '';
  return { url: u.href, authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
}

/**
 * The deliver stage: drains the webhook outbox (alert_deliveries), whose rows the group stage
 * writes, one per grouped notification and receiver (evaluation/alert-group.notifier.ts). Runs
 * beside evaluation, never inside it: a slow or failing receiver only delays its own deliveries.
 * Each claimed delivery is POSTed, its stored body byte for byte, with the receiver's own
 * HMAC-SHA256 signature over the send time and that body; a redirect is a failure, not followed;
 * failures retry with exponential backoff and jitter until ALERT_WEBHOOK_MAX_ATTEMPTS, after
 * which the row stays as a DEAD (dead-letter) record, which `deliveries resend` puts back in the
 * queue. Receivers get at-least-once delivery and should de-duplicate on `notificationId`
 * (`transitionId` for rows queued per transition before issue 15). URLs are logged without query
 * or user-info.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private running?: Promise<void>;
  private stopped = false;
  private wake?: () => void;
  // Property injection keeps the constructor as it was (issue 13 instrumentation).
  @Inject(METRICS) private readonly metrics?: AppMetrics;
  private readonly secrets: Map<string, string>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SETTINGS) private readonly settings: NotifierSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.secrets = new Map(settings.webhookReceivers().map((r) => [r.url, r.secret]));
  }

  onApplicationBootstrap(): void {
    if (this.secrets.size === 0) return;
    this.running = this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let claimed = 0;
      try {
        claimed = await this.drainOnce();
      } catch (err) {
        this.logger.warn({ err }, 'webhook delivery round failed; retrying');
      }
      if (claimed === 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, this.settings.ALERT_DELIVERY_POLL_MS);
        });
      }
    }
  }

  /** One round: claim what is due, attempt each, record each outcome. Returns how many were claimed. */
  async drainOnce(): Promise<number> {
    const s = this.settings;
    const due = await claimDueDeliveries(this.dataSource, 16, s.ALERT_WEBHOOK_TIMEOUT_MS + 10_000);
    await Promise.all(due.map((d) => this.deliver(d)));
    return due.length;
  }

  private async deliver(d: DueDelivery): Promise<void> {
    const s = this.settings;
    const outcome = await this.attempt(d);
    const attempt = d.attempts + 1;
    if (outcome.ok) {
      await markDelivered(this.dataSource, d.id, outcome.status);
      this.metrics?.webhookDeliveries.inc({ outcome: 'delivered' });
      return;
    }
    const last = !outcome.recoverable || attempt >= s.ALERT_WEBHOOK_MAX_ATTEMPTS;
    const retryInMs = last ? null : backoffMs(attempt - 1, s.ALERT_WEBHOOK_BACKOFF_MS, s.ALERT_WEBHOOK_BACKOFF_MAX_MS);
    await markFailed(this.dataSource, d.id, outcome.status, outcome.error, retryInMs);
    this.metrics?.webhookDeliveries.inc({ outcome: last ? 'dead' : 'retry' });
    const subject = d.notificationId === null ? { transitionId: d.transitionId } : { notificationId: d.notificationId };
    const where = { delivery: d.id, ...subject, url: redactUrl(d.url), attempt, status: outcome.status, error: outcome.error };
    if (last) this.logger.error(where, 'webhook delivery dead-lettered after its last attempt');
    else this.logger.warn({ ...where, retryInMs }, 'webhook delivery failed; will retry');
  }

  private async attempt(d: DueDelivery): Promise<AttemptOutcome> {
    const secret = this.secrets.get(d.url);
    // Queued for a receiver since removed from ALERT_WEBHOOKS: there is no secret to sign with.
    if (!secret) return { ok: false, status: null, error: 'receiver no longer configured in ALERT_WEBHOOKS', recoverable: false };
    try {
      const { url, authorization } = splitCredentials(d.url);
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          ...(authorization ? { Authorization: authorization } : {}),
          'Content-Type': 'application/json; charset=utf-8',
          // Wall-clock seconds, not the business clock: the receiver checks freshness against its own clock.
          [SIGNATURE_HEADER]: signatureHeader(secret, d.body, Math.floor(Date.now() / 1000)),
          'X-TTHC-Delivery': String(d.id),
          ...(d.notificationId === null ? {} : { 'X-TTHC-Notification': String(d.notificationId) }),
          'X-TTHC-Attempt': String(d.attempts + 1),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.ALERT_WEBHOOK_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      return classifyResponse(res.status, res.headers.get('location'));
    } catch (err) {
      const e = err as Error & { cause?: { message?: string } };
      const message = [e.message, e.cause?.message].filter(Boolean).join(': ') || String(err);
      return { ok: false, status: null, error: redactUrlsIn(message), recoverable: true };
    }
  }
}
