import type { Admin, Kafka } from 'kafkajs';
import type { AppMetrics } from '@tthc/observability';
import type { Logger } from '@tthc/platform';

const REQUEST_TIMEOUT_MS = 10_000;

/** Lag of one partition: log end minus committed offset; no commit yet counts from the log start. */
export function partitionLag(high: string, low: string, committed: string): { lag: number; committed: number } {
  const start = BigInt(committed) < 0n ? BigInt(low) : BigInt(committed);
  const lag = BigInt(high) - start;
  return { lag: Number(lag > 0n ? lag : 0n), committed: Number(start) };
}

/**
 * `tthc_consumer_lag` per partition (issue 13), read from the brokers: every CONSUMER_LAG_POLL_MS
 * the partitions' log-end offsets (`fetchTopicOffsets`) against the group's committed offsets
 * (`fetchOffsets`). Not from a batch's `highWatermark`: that is only seen when a batch arrives, so
 * a consumer that is stuck (a handler retrying for ever) or gets no batches would show a stale
 * lag exactly when it matters; the committed offset standing still under a growing log end is
 * also what the stuck-partition alert looks for. Each instance reports only the partitions it
 * owns, so summing over instances counts every partition once. The aggregator keeps its true
 * offsets in PostgreSQL and commits to Kafka after each batch too, so this holds for it as well.
 */
export class ConsumerLagMonitor {
  private owned = new Set<number>();
  private admin?: Admin;
  private connected?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly group: string,
    private readonly metrics: AppMetrics,
    private readonly logger: Logger,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.everyMs);
    this.timer.unref();
  }

  /** After a rebalance: forget the partitions given away, read the new ones at once. */
  assigned(partitions: number[]): void {
    const now = new Set(partitions);
    for (const p of this.owned) {
      if (!now.has(p)) {
        const labels = { topic: this.topic, group: this.group, partition: String(p) };
        this.metrics.consumerLag.remove(labels);
        this.metrics.committedOffset.remove(labels);
      }
    }
    this.owned = now;
    if (now.size > 0) void this.poll();
  }

  /** One reading; never overlaps another, never throws (a failure is counted and logged). */
  poll(): Promise<void> {
    if (this.stopped || this.owned.size === 0) return Promise.resolve();
    this.polling ??= this.read()
      .catch((err) => {
        this.metrics.lagPollFailures.inc({ topic: this.topic, group: this.group });
        this.logger.warn({ err, topic: this.topic, group: this.group }, 'could not read consumer lag from the brokers');
      })
      .finally(() => {
        this.polling = undefined;
      });
    return this.polling;
  }

  private async read(): Promise<void> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      this.connected = this.admin.connect();
    }
    await withTimeout(this.connected!, 'admin connect');
    const [ends, committed] = await withTimeout(Promise.all([this.admin.fetchTopicOffsets(this.topic), this.admin.fetchOffsets({ groupId: this.group, topics: [this.topic] })]), 'fetch offsets');
    const commits = new Map((committed.find((t) => t.topic === this.topic)?.partitions ?? []).map((p) => [p.partition, p.offset]));
    for (const end of ends) {
      if (!this.owned.has(end.partition)) continue;
      const labels = { topic: this.topic, group: this.group, partition: String(end.partition) };
      const r = partitionLag(end.high, end.low, commits.get(end.partition) ?? '-1');
      this.metrics.consumerLag.set(labels, r.lag);
      this.metrics.committedOffset.set(labels, r.committed);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.polling;
    if (this.admin) await withTimeout(this.admin.disconnect(), 'admin disconnect').catch(() => undefined);
  }
}

async function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
