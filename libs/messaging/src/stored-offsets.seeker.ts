import type { Consumer, Kafka } from 'kafkajs';
import { type Logger, backoffMs } from '@tthc/platform';
import { withAdmin } from './kafka-client';

export interface StoredOffsetsSeekerOptions {
  kafka: Kafka;
  topic: string;
  logger: Logger;
  /** The handler's own next offsets per partition, as stored with its effects. */
  readStoredOffsets(): Promise<Map<number, string>>;
  /** True once the consumer is stopping: give up waiting. */
  stopping(): boolean;
  /** Waits between attempts; cut short when the consumer stops. */
  pause(ms: number): Promise<void>;
}

/**
 * Puts a consumer's assigned partitions where the handler's store says, after every group join.
 *
 * The store, not Kafka's committed offset, is the truth for a handler that keeps its offsets with
 * its effects: a partition with a stored offset is read from it, and one without (nothing of it
 * was ever applied: a new database, or a group whose Kafka offsets outlived it) from the first
 * record the broker still has. Reading from Kafka's committed offset there would skip whatever
 * lies before it without a trace (issue 11).
 *
 * kafkajs emits GROUP_JOIN without waiting for its listeners and starts fetching at once, so the
 * batch consumer waits for `position()` before it hands a batch over: until the seeks are issued
 * it cannot know whether the batch in hand starts in the right place. A store that cannot be read
 * (the database is down) is retried with backoff for as long as it takes; batches could not be
 * applied in the meantime anyway.
 */
export class StoredOffsetsSeeker {
  private positioned: Promise<void> = Promise.resolve();
  private settled = true;

  constructor(private readonly opts: StoredOffsetsSeekerOptions) {}

  /** Called from GROUP_JOIN (synchronously, so the next batch already waits for it). */
  joined(consumer: Consumer, assigned: number[]): void {
    this.settled = false;
    const positioned = this.seek(consumer, assigned).finally(() => {
      if (this.positioned === positioned) this.settled = true;
    });
    this.positioned = positioned;
  }

  /** True once the seeks of the last join are issued: the per-batch check costs nothing then. */
  isPositioned(): boolean {
    return this.settled;
  }

  /** Resolves once the partitions of the last join have been sought to their stored offsets. */
  position(): Promise<void> {
    return this.positioned;
  }

  private async seek(consumer: Consumer, assigned: number[]): Promise<void> {
    const { topic, logger } = this.opts;
    for (let attempt = 0; !this.opts.stopping(); attempt++) {
      try {
        const stored = await this.opts.readStoredOffsets();
        const unstored = assigned.filter((p) => !stored.has(p));
        const logStart = unstored.length > 0 ? await this.logStartOffsets() : new Map<number, string>();
        for (const partition of assigned) {
          const offset = stored.get(partition) ?? logStart.get(partition);
          if (offset !== undefined) consumer.seek({ topic, partition, offset });
        }
        if (unstored.length > 0) logger.info({ topic, partitions: unstored }, 'no stored offset for these partitions: reading them from the first record the broker has');
        return;
      } catch (error) {
        const wait = backoffMs(attempt, 500, 15_000);
        logger.warn({ err: error, topic, attempt, retryInMs: wait }, 'could not read the stored offsets after a group join; batches wait until they are read');
        await this.opts.pause(wait);
      }
    }
  }

  private async logStartOffsets(): Promise<Map<number, string>> {
    const offsets = await withAdmin(this.opts.kafka, (admin) => admin.fetchTopicOffsets(this.opts.topic));
    return new Map(offsets.map((o) => [o.partition, o.low]));
  }
}
