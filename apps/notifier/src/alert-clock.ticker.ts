import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, SETTINGS } from '@tthc/infrastructure';
import type { Logger } from '@tthc/platform';
import { AlertEvaluationHandler } from './alert-evaluation.handler';
import type { NotifierSettings } from './notifier.settings';

/**
 * The clock side of evaluation (issue 3): every ALERT_TICK_MS all units and the province rules
 * are evaluated, so a quiet unit still fires or recovers when its window slides past midnight,
 * a "for" duration elapses, or a silence ends; and acknowledgements reach `tthc.alerts` even
 * when no metric changes. A failed tick is logged and the next one tries again.
 */
@Injectable()
export class AlertClockTicker implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly handler: AlertEvaluationHandler,
    @Inject(SETTINGS) private readonly settings: NotifierSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** A timeout re-armed after each tick, not an interval: a slow tick never overlaps the next. */
  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.handler
        .evaluateAll()
        .catch((err) => this.logger.warn({ err }, 'alert evaluation tick failed; the next tick retries'))
        .finally(() => this.schedule());
    }, this.settings.ALERT_TICK_MS);
  }
}
