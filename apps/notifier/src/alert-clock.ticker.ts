import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, SETTINGS } from '@tthc/infrastructure';
import type { Logger } from '@tthc/platform';
import { AlertEvaluationPipeline } from './alert-evaluation.pipeline';
import type { NotifierSettings } from './notifier.settings';

/**
 * The clock side of evaluation (issue 3): every ALERT_TICK_MS all units and the province rules
 * are evaluated, so a quiet unit still fires or recovers when its window slides past midnight,
 * a "for" duration elapses, or a silence ends. Every ALERT_BACKLOG_POLL_MS it publishes what the
 * API wrote (acknowledgements), so they reach `tthc.alerts` and the webhooks within a poll, not
 * a tick. A failed round is logged and the next one tries again.
 */
@Injectable()
export class AlertClockTicker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly pipeline: AlertEvaluationPipeline,
    @Inject(SETTINGS) private readonly settings: NotifierSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.repeat(this.settings.ALERT_TICK_MS, () => this.pipeline.evaluateAll(), 'alert evaluation tick failed; the next tick retries');
    this.repeat(this.settings.ALERT_BACKLOG_POLL_MS, () => this.pipeline.publishBacklog(), 'publishing acknowledgements failed; the next poll retries');
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
  }

  /** A timeout re-armed after each round, not an interval: a slow round never overlaps the next. */
  private repeat(everyMs: number, round: () => Promise<unknown>, failure: string): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      round()
        .catch((err) => this.logger.warn({ err }, failure))
        .finally(() => this.repeat(everyMs, round, failure));
    }, everyMs);
    this.timers.add(timer);
  }
}
