import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { type Logger, backoffMs, isRetriable, sleep } from '@tthc/platform';

export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  /** Offset after the last message: what to commit once the batch is handled. */
  nextOffset: string;
}

export interface BatchContext {
  heartbeat(): Promise<void>;
  /** True once a rebalance took this partition away: stop and let the new owner handle it. */
  isStale(): boolean;
}

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  logger: Logger;
  handleBatch(batch: PartitionBatch, ctx: BatchContext): Promise<void>;
  /**
   * Where the handler keeps its own offsets (written in the same DB transaction as its effects).
   * Read after every group join and sought to, so a restart resumes exactly where the database
   * says. Kafka's committed offsets are still updated after each batch so lag stays visible.
   */
  readStoredOffsets?(): Promise<Map<number, string>>;
  /** Called once when a non-retriable error stops the consumer: the app should exit loudly. */
  onFatal(error: unknown): void;
  /** Instrumentation (metrics): told about every batch attempt and every partition assignment. */
  observer?: BatchConsumerObserver;
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeInMs?: number;
  fromBeginning?: boolean;
}

/** What the consumer reports as it works; every hook is optional and must not throw. */
export interface BatchConsumerObserver {
  /** One attempt at a batch: its size, how long the handler took, and whether it succeeded. */
  batch?(attempt: { topic: string; group: string; partition: number; size: number; seconds: number; ok: boolean }): void;
  /** The partitions this member owns after a group join (empty once stopped). */
  assigned?(partitions: number[]): void;
}

/**
 * A thin `eachBatch` runner with manual offsets. @nestjs/microservices' Kafka server binds
 * `eachMessage` only (one message, one handler call); the pipeline needs whole batches to write
 * one transaction per batch, so this owns the kafkajs consumer directly.
 *
 * Transient failures (database or broker down) retry the same batch with backoff and jitter,
 * for as long as it takes; a programmer error stops the consumer and reports it through onFatal.
 */
/** What a health check needs to know about one consumer. */
export interface ConsumerHealth {
  topic: string;
  groupId: string;
  /** In its group with partitions assigned (kafkajs GROUP_JOIN), and not stopped since. */
  joined: boolean;
  /** Stopped for good by an error kafkajs will not restart from. */
  crashed: boolean;
  /** When a batch was last applied (ISO), or null before the first. */
  lastBatchAt: string | null;
  /** Consecutive failed attempts of the batch in hand (the database or broker is down). */
  failingAttempts: number;
}

export class BatchConsumer {
  private consumer?: Consumer;
  private stopping = false;
  private joined = false;
  private crashed = false;
  private lastBatchAt: number | null = null;
  private failingAttempts = 0;

  health(): ConsumerHealth {
    const { topic, groupId } = this.opts;
    const lastBatchAt = this.lastBatchAt === null ? null : new Date(this.lastBatchAt).toISOString();
    return { topic, groupId, joined: this.joined, crashed: this.crashed, lastBatchAt, failingAttempts: this.failingAttempts };
  }

  constructor(private readonly opts: BatchConsumerOptions) {}

  async start(): Promise<void> {
    const o = this.opts;
    const consumer = o.kafka.consumer({
      groupId: o.groupId,
      maxBytesPerPartition: o.maxBytesPerPartition ?? 1024 * 1024,
      maxWaitTimeInMs: o.maxWaitTimeInMs ?? 250,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // A crashed handler must not lose its place: kafkajs would otherwise restart from committed offsets anyway.
      retry: { retries: 10 },
    });
    this.consumer = consumer;

    if (o.readStoredOffsets) {
      const read = o.readStoredOffsets;
      consumer.on(consumer.events.GROUP_JOIN, async ({ payload }) => {
        const assigned = payload.memberAssignment[o.topic] ?? [];
        try {
          const stored = await read();
          for (const partition of assigned) {
            const offset = stored.get(partition);
            if (offset !== undefined) consumer.seek({ topic: o.topic, partition, offset });
          }
        } catch (error) {
          // Not fatal: the handler re-checks the stored offset inside its transaction anyway.
          o.logger.warn({ err: error, topic: o.topic }, 'could not read stored offsets after group join');
        }
      });
    }
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      o.observer?.assigned?.(payload.memberAssignment[o.topic] ?? []);
    });
    consumer.on(consumer.events.STOP, () => {
      this.joined = false;
      o.observer?.assigned?.([]);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      if (!payload.restart) this.crashed = true;
      if (!payload.restart && !this.stopping) o.onFatal(payload.error);
    });

    await consumer.connect();
    await consumer.subscribe({ topic: o.topic, fromBeginning: o.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.runBatch(payload),
    });
  }

  private async runBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    if (batch.messages.length === 0) return;
    const last = batch.messages[batch.messages.length - 1];
    const partitionBatch: PartitionBatch = {
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages,
      nextOffset: (BigInt(last.offset) + 1n).toString(),
    };
    for (let attempt = 0; ; attempt++) {
      if (!isRunning() || isStale()) return;
      const started = performance.now();
      const observe = (ok: boolean) =>
        this.opts.observer?.batch?.({
          topic: batch.topic, group: this.opts.groupId, partition: batch.partition, size: batch.messages.length, seconds: (performance.now() - started) / 1000, ok,
        });
      try {
        await this.opts.handleBatch(partitionBatch, { heartbeat, isStale });
        observe(true);
        this.failingAttempts = 0;
        this.lastBatchAt = Date.now();
        break;
      } catch (error) {
        observe(false);
        this.failingAttempts = attempt + 1;
        // The batch's range and first key (the dossierId on the events topic), so a failure can be traced to its records.
        const where = {
          topic: batch.topic, partition: batch.partition, offset: batch.messages[0].offset, lastOffset: last.offset, size: batch.messages.length,
          key: batch.messages[0].key?.toString('utf8').slice(0, 128) ?? null, attempt,
        };
        if (!isRetriable(error)) {
          this.opts.logger.error({ err: error, ...where }, 'batch handler failed with a non-retriable error; stopping');
          this.opts.onFatal(error);
          throw error;
        }
        const wait = backoffMs(attempt, 200, 15_000);
        this.opts.logger.warn({ err: error, ...where, retryInMs: wait }, 'batch handler failed; retrying the batch');
        await sleep(wait);
        await heartbeat().catch(() => undefined);
      }
    }
    payload.resolveOffset(last.offset);
    if (!this.stopping) {
      await this.consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: partitionBatch.nextOffset }]);
    }
    await heartbeat();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
  }
}
