import { Inject, Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { AlertMessage } from '@tthc/contracts';
import { CLOCK, type Clock, LOGGER, METRICS, PRODUCER, SETTINGS } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import { type Sql, type StoredTransitionMessage, hasUnpublishedTransitions, markTransitionsPublished, releasePublisherLock, tryPublisherLock, unpublishedTransitions } from '@tthc/persistence';
import type { Logger } from '@tthc/platform';
import type { NotifierSettings } from '../notifier.settings';

/** A transition as `tthc.alerts`, the SSE stream and the webhooks carry it: without the outbox's own flag. */
function publicMessage(m: StoredTransitionMessage): AlertMessage {
  const { notify: _notify, ...message } = m;
  return message;
}

/**
 * The publish stage, an outbox: every committed, unpublished transition (the notifier's and the
 * API's acknowledgements), in log order, goes to `tthc.alerts`, one message per unit, then is
 * marked published. Webhooks are not sent from here: since issue 15 the group stage
 * (alert-group.notifier.ts) reads the same log and sends one message per rule per interval. The
 * Kafka send holds no transaction and not the alert-log lock (issue 10: with the broker down,
 * acknowledgements used to queue on that lock without limit); only the publisher lock, so one
 * instance publishes at a time and the topic keeps log order. A crash after Kafka took a batch
 * but before it was marked publishes the same transitions again, with the same transitionId,
 * which is what consumers deduplicate on.
 */
@Injectable()
export class AlertOutboxPublisher {
  private readonly batchSize = 1000;
  // Property injection keeps the constructor as it was (issue 13 instrumentation).
  @Inject(METRICS) private readonly metrics?: AppMetrics;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(SETTINGS) private readonly settings: NotifierSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Whether anything waits (the partial index on unpublished ids makes this a probe). */
  hasPending(): Promise<boolean> {
    return hasUnpublishedTransitions(this.dataSource);
  }

  /** Publishes what is pending; nothing, when another instance holds the publisher lock (it publishes). */
  async publishPending(): Promise<AlertMessage[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      if (!(await tryPublisherLock(runner))) return [];
      try {
        return await this.publishLocked(runner);
      } finally {
        await releasePublisherLock(runner);
      }
    } finally {
      await runner.release();
    }
  }

  private async publishLocked(sql: Sql): Promise<AlertMessage[]> {
    const published: AlertMessage[] = [];
    for (;;) {
      const pending = await unpublishedTransitions(sql, this.batchSize);
      if (pending.length === 0) return published;
      const messages = pending.map(publicMessage);
      await this.producer.send({
        topic: this.settings.TOPIC_ALERTS,
        acks: -1,
        messages: messages.map((m) => ({ key: m.unitCode, value: JSON.stringify(m) })),
      });
      await markTransitionsPublished(
        sql,
        pending.map((m) => m.transitionId),
        this.clock.now(),
      );
      published.push(...messages);
      for (const m of messages) this.metrics?.alertTransitions.inc({ state: m.state });
      this.logger.info({ transitions: pending.length }, 'alert transitions published');
    }
  }
}
