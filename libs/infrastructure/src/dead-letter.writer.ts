import { Inject, Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { CommonSettings } from '@tthc/config';
import { type DeadLetter, deadLetterMessage } from '@tthc/contracts';
import { fitDeadLetter, sendSized } from '@tthc/messaging';
import { type Sql, recordNewRejections } from '@tthc/persistence';
import type { AppMetrics } from '@tthc/observability';
import { CLOCK, type Clock, METRICS, PRODUCER, SETTINGS } from './tokens';

/**
 * Takes messages out of the stream, for ingest and the aggregator alike: each is recorded once
 * per source position in `rejected_events` (with its whole original bytes) inside the caller's
 * transaction, and the newly recorded ones are sent to the DLQ topic in requests sized below
 * KAFKA_MAX_SEND_BYTES, a copy too large for one request cut to fit. The caller commits after
 * this returns, so a crash before the broker's acknowledgement leaves nothing recorded and the
 * message comes back.
 */
@Injectable()
export class DeadLetterWriter {
  constructor(
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(SETTINGS) private readonly settings: CommonSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(METRICS) private readonly metrics: AppMetrics,
  ) {}

  /** Records and sends `dead`; returns how many were new. */
  async write(tx: Sql, dead: DeadLetter[]): Promise<number> {
    if (dead.length === 0) return 0;
    const fresh = await recordNewRejections(tx, dead);
    const at = new Date(this.clock.now());
    const max = this.settings.KAFKA_MAX_SEND_BYTES;
    const sent = dead.filter((d) => fresh.has(`${d.partition}:${d.offset}`));
    await sendSized(this.producer, [{ topic: this.settings.TOPIC_DLQ, messages: sent.map((d) => fitDeadLetter(deadLetterMessage(d, at), max)) }], max);
    this.metrics.observeDeadLetters(sent.map((d) => d.rejection.code));
    return sent.length;
  }
}
