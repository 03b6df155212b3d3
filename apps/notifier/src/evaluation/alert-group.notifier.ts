import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AlertGroupNotification, type AlertRule, type AlertScope, type GroupRule, type Severity, groupDueAt, groupNotification, recordedRule, takeForNotification } from '@tthc/domain';
import { LOGGER, METRICS, SETTINGS } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import {
  type PendingGroup,
  type Sql,
  breachingUnits,
  hasUngroupedTransitions,
  nextNotificationId,
  pendingGroups,
  recordedRuleOf,
  saveNotification,
  tryGroupingLock,
  ungroupedTransitionMessages,
} from '@tthc/persistence';
import type { Logger } from '@tthc/platform';
import { ALERT_RULES } from '../alert-rules.token';
import type { NotifierSettings } from '../notifier.settings';

/**
 * The group stage (issue 15), between publish and deliver: webhook receivers get one message per
 * rule per interval (libs/domain alert-group-notification.ts) instead of one per transition,
 * timed as Alertmanager's aggregation groups are (alert-group-timing.ts: ALERT_GROUP_WAIT_MS,
 * ALERT_GROUP_INTERVAL_MS). It reads the log, not the outbox's batches: the notified transitions
 * no notification covers yet. One transaction per round, under the grouping lock, writes each due
 * notification, points the transitions it covers at it and queues its deliveries (the deliver
 * stage, webhooks/webhook-delivery.worker.ts, sends them): a crash before the commit leaves the
 * transitions for the next round, after it leaves a notification whose deliveries go out with
 * its id and body as written, so no unit is lost or notified twice, whichever instance or
 * restart sends it. Runs whether or not receivers are configured, so adding one later does not
 * pour months of transitions into one message.
 */
@Injectable()
export class AlertGroupNotifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly webhookUrls: string[];
  private running?: Promise<void>;
  private stopped = false;
  private wake?: () => void;
  @Inject(METRICS) private readonly metrics?: AppMetrics;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ALERT_RULES) private readonly rules: AlertRule[],
    @Inject(SETTINGS) private readonly settings: NotifierSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.webhookUrls = settings.webhookReceivers().map((r) => r.url);
  }

  onApplicationBootstrap(): void {
    this.running = this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  /** Every ALERT_BACKLOG_POLL_MS, a round; a failed round is logged and the next one tries again. */
  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.notifyDue();
      } catch (err) {
        this.logger.warn({ err }, 'grouping alert notifications failed; the next round retries');
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.settings.ALERT_BACKLOG_POLL_MS);
      });
    }
  }

  /**
   * One round: the notifications due now, written. Nothing when no transition waits (one probe),
   * or when another instance holds the grouping lock (it notifies what is due).
   */
  async notifyDue(): Promise<AlertGroupNotification[]> {
    if (!(await hasUngroupedTransitions(this.dataSource))) return [];
    const built = await this.dataSource.transaction(async (tx) => {
      if (!(await tryGroupingLock(tx))) return [];
      const { now, groups } = await pendingGroups(tx);
      const timing = { waitMs: this.settings.ALERT_GROUP_WAIT_MS, intervalMs: this.settings.ALERT_GROUP_INTERVAL_MS };
      const out: AlertGroupNotification[] = [];
      for (const group of groups) {
        if (groupDueAt(group.oldestAt, group.last, timing) > now) continue;
        out.push(await this.notifyRule(tx, group, now));
      }
      return out;
    });
    for (const n of built) {
      this.metrics?.alertNotifications.inc({ rule: n.ruleId });
      this.logger.info({ notificationId: n.notificationId, ruleId: n.ruleId, sequence: n.sequence, ...n.counts }, 'alert notification built');
    }
    return built;
  }

  /**
   * The rule's next message: its waiting transitions, whole alerts, at most ALERT_GROUP_MAX_UNITS
   * of them; the rest, if any, is due at once (the message says it `continues`) and goes out in
   * the next round, so one transaction stays bounded however many units wait.
   */
  private async notifyRule(tx: Sql, group: PendingGroup, now: number): Promise<AlertGroupNotification> {
    const rule = await this.ruleOf(tx, group.ruleId);
    const { taken, continues } = takeForNotification(await ungroupedTransitionMessages(tx, group.ruleId), this.settings.ALERT_GROUP_MAX_UNITS);
    const id = await nextNotificationId(tx);
    const sequence = (group.last?.sequence ?? 0) + 1;
    const header = { notificationId: id, sequence, createdAt: new Date(now).toISOString(), breaching: await breachingUnits(tx, group.ruleId), continues };
    const n = groupNotification(header, rule, taken);
    const write = { id, ruleId: n.ruleId, sequence, createdAt: now, counts: n.counts, continues, body: JSON.stringify(n), transitionIds: n.transitionIds };
    await saveNotification(tx, write, this.webhookUrls);
    return n;
  }

  /** The rule in force; for a rule since removed from ALERT_RULES, as its latest alert recorded it. */
  private async ruleOf(tx: Sql, ruleId: string): Promise<GroupRule> {
    const configured = this.rules.find((r) => r.id === ruleId);
    if (configured) return configured;
    const row = await recordedRuleOf(tx, ruleId);
    if (!row) throw new Error(`transitions of rule ${ruleId} wait for a notification, but no alert of that rule exists`);
    return { id: ruleId, ...recordedRule(row), severity: row.severity as Severity, scope: row.scope as AlertScope };
  }
}
