import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { type Failure, type Logger, backoffMs, classifyFailure, sleep } from '@tthc/platform';
import { type PartitionHealth, type PartitionProgress, observeFetch, partitionHealth } from './partition-health';
import { recordContext } from './record-context';

export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  /** Offset after the last message: what to commit once the batch is handled. */
  nextOffset: string;
}

/** Closures over kafkajs' batch payload: free functions, safe to pass on unbound. */
export interface BatchContext {
  heartbeat: () => Promise<void>;
  /** True once a rebalance took this partition away: stop and let the new owner handle it. */
  isStale: () => boolean;
}

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  logger: Logger;
  /** Applies a batch, all or nothing (one transaction): the consumer may split and retry it. */
  handleBatch(batch: PartitionBatch, ctx: BatchContext): Promise<void>;
  /**
   * Takes one message that storage refused, alone, out of the stream: dead-letter it with the
   * failure, and move the handler's own stored offset past it where it keeps one. Must be
   * idempotent (a crash may repeat it) and must not fail for data.
   */
  deadLetter(batch: PartitionBatch, failure: Failure): Promise<void>;
  /**
   * Where the handler keeps its own offsets (written in the same DB transaction as its effects).
   * Read after every group join and sought to, so a restart resumes exactly where the database
   * says. Kafka's committed offsets are still updated after each batch so lag stays visible.
   */
  readStoredOffsets?(): Promise<Map<number, string>>;
  /** Called once when a fatal (programmer or deployment) error stops the consumer: the app should exit loudly. */
  onFatal(error: unknown): void;
  /** Instrumentation (metrics): told about every batch attempt and every partition assignment. */
  observer?: BatchConsumerObserver;
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeInMs?: number;
  fromBeginning?: boolean;
  /** Health: a partition with lag that has not advanced for this long is reported stalled. */
  stallAfterMs?: number;
  /** Health: this many failed attempts in a row on one partition's batch is reported failing. */
  maxFailedAttempts?: number;
  now?: () => number;
}

/** What the consumer reports as it works; every hook is optional and must not throw. */
export interface BatchConsumerObserver {
  /** One attempt at a (sub-)batch: its size, how long the handler took, and whether it succeeded. */
  batch?(attempt: { topic: string; group: string; partition: number; size: number; seconds: number; ok: boolean }): void;
  /** The partitions this member owns after a group join (empty once stopped). */
  assigned?(partitions: number[]): void;
  /** The consumer started, or stopped for good: for observers with their own lifecycle (a lag poller). */
  started?(): void;
  stopped?(): Promise<void> | void;
}

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
  /** Failed attempts in a row of the batch in hand, on the worst partition. */
  failingAttempts: number;
  /** Messages dead-lettered because storage refused them, since start. */
  isolated: number;
  partitions: PartitionHealth[];
}

type Outcome = { done: true } | { done: false; stopped: true } | { done: false; stopped: false; failure: Failure };

/**
 * A thin `eachBatch` runner with manual offsets. @nestjs/microservices' Kafka server binds
 * `eachMessage` only (one message, one handler call); the pipeline needs whole batches to write
 * one transaction per batch, so this owns the kafkajs consumer directly.
 *
 * Failures are classified (libs/platform `classifyFailure`):
 * - transient (database or broker down): the same batch is retried with backoff and jitter, for
 *   as long as it takes;
 * - data (storage refused a record): the batch is split in halves, recursively, each half applied
 *   on its own, until each refused message stands alone; those go to `deadLetter` and the rest is
 *   applied, in offset order. A worker never dies of data (issue 9);
 * - fatal (programmer or deployment error): the consumer stops and reports it through onFatal.
 */
export class BatchConsumer {
  private consumer?: Consumer;
  private stopping = false;
  private joined = false;
  private crashed = false;
  private lastBatchAt: number | null = null;
  private isolated = 0;
  private readonly partitions = new Map<number, PartitionProgress>();
  private readonly now: () => number;

  constructor(private readonly opts: BatchConsumerOptions) {
    this.now = opts.now ?? Date.now;
  }

  health(): ConsumerHealth {
    const { topic, groupId } = this.opts;
    const limits = { stallAfterMs: this.opts.stallAfterMs ?? 120_000, maxFailedAttempts: this.opts.maxFailedAttempts ?? 5 };
    const now = this.now();
    const partitions = [...this.partitions.entries()].sort(([a], [b]) => a - b).map(([partition, p]) => partitionHealth(partition, p, now, limits));
    return {
      topic,
      groupId,
      joined: this.joined,
      crashed: this.crashed,
      lastBatchAt: this.lastBatchAt === null ? null : new Date(this.lastBatchAt).toISOString(),
      failingAttempts: Math.max(0, ...partitions.map((p) => p.failingAttempts)),
      isolated: this.isolated,
      partitions,
    };
  }

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

    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = payload.memberAssignment[o.topic] ?? [];
      // Health follows the assignment: a partition handed to another member is not ours to report.
      for (const p of [...this.partitions.keys()]) if (!assigned.includes(p)) this.partitions.delete(p);
      this.joined = true;
      o.observer?.assigned?.(assigned);
      // Not awaited: kafkajs emits GROUP_JOIN without awaiting its listeners. seekToStoredOffsets
      // catches its own failures, so no rejection is left unhandled.
      void this.seekToStoredOffsets(consumer, assigned);
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

    o.observer?.started?.();
    await consumer.connect();
    await consumer.subscribe({ topic: o.topic, fromBeginning: o.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: o.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.runBatch(payload),
    });
  }

  private progress(partition: number): PartitionProgress {
    let p = this.partitions.get(partition);
    if (!p) {
      p = { nextOffset: null, highWatermark: null, lastAdvanceAt: this.now(), failingAttempts: 0, lastError: null };
      this.partitions.set(partition, p);
    }
    return p;
  }

  /** After a join, starts each assigned partition from the offset stored with its effects, when the options read one. */
  private async seekToStoredOffsets(consumer: Consumer, assigned: number[]): Promise<void> {
    const o = this.opts;
    if (!o.readStoredOffsets) return;
    try {
      const stored = await o.readStoredOffsets();
      for (const partition of assigned) {
        const offset = stored.get(partition);
        if (offset !== undefined) consumer.seek({ topic: o.topic, partition, offset });
      }
    } catch (error) {
      // Not fatal: the handler re-checks the stored offset inside its transaction anyway.
      o.logger.warn({ err: error, topic: o.topic }, 'could not read stored offsets after group join');
    }
  }

  private async runBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const isStale = () => payload.isStale();
    observeFetch(this.progress(batch.partition), BigInt(batch.highWatermark), batch.messages.length ? BigInt(batch.messages[0].offset) : undefined, this.now());
    if (batch.messages.length === 0) return;
    const whole = slice(batch.topic, batch.partition, batch.messages);
    const ctx: BatchContext = { heartbeat, isStale };
    const live = () => payload.isRunning() && !isStale() && !this.stopping;

    const applied = await this.applyIsolating(whole, ctx, live);
    if (!applied) return;
    const last = batch.messages[batch.messages.length - 1];
    payload.resolveOffset(last.offset);
    if (!this.stopping) {
      await this.consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: whole.nextOffset }]);
    }
    await heartbeat();
  }

  /** Applies `batch`, splitting it around what storage refuses. False when stopped part-way (a rebalance or shutdown). */
  private async applyIsolating(batch: PartitionBatch, ctx: BatchContext, live: () => boolean): Promise<boolean> {
    const outcome = await this.attempt(batch, ctx, live, () => this.opts.handleBatch(batch, ctx));
    if (outcome.done) return true;
    if (outcome.stopped) return false;
    if (batch.messages.length > 1) {
      const half = Math.ceil(batch.messages.length / 2);
      const left = slice(batch.topic, batch.partition, batch.messages.slice(0, half));
      const right = slice(batch.topic, batch.partition, batch.messages.slice(half));
      return (await this.applyIsolating(left, ctx, live)) && (await this.applyIsolating(right, ctx, live));
    }
    const failure = outcome.failure;
    const message = batch.messages[0];
    this.opts.logger.warn(
      { ...recordContext(batch.topic, batch.partition, message), errorCode: failure.code, errorSource: failure.source, err: failure.message },
      'storage refused a message; dead-lettering it and carrying on',
    );
    const dead = await this.attempt(batch, ctx, live, () => this.opts.deadLetter(batch, failure));
    if (!dead.done && !dead.stopped) {
      // A dead letter that storage refuses too: nothing sensible is left to do with the message.
      const error = new Error(`could not dead-letter ${batch.topic}/${batch.partition}@${message.offset}: ${dead.failure.message}`);
      this.fail(error, batch);
    }
    if (dead.done) this.isolated++;
    return dead.done;
  }

  /** Runs `work` until it succeeds, retrying transient failures; returns a data failure, or stops the consumer on a fatal one. */
  private async attempt(batch: PartitionBatch, ctx: BatchContext, live: () => boolean, work: () => Promise<void>): Promise<Outcome> {
    const progress = this.progress(batch.partition);
    for (let attempt = 0; ; attempt++) {
      if (!live()) return { done: false, stopped: true };
      const started = performance.now();
      const observe = (ok: boolean) =>
        this.opts.observer?.batch?.({
          topic: batch.topic, group: this.opts.groupId, partition: batch.partition, size: batch.messages.length, seconds: (performance.now() - started) / 1000, ok,
        });
      try {
        await work();
        observe(true);
        progress.failingAttempts = 0;
        progress.lastError = null;
        progress.nextOffset = BigInt(batch.nextOffset);
        progress.lastAdvanceAt = this.now();
        this.lastBatchAt = this.now();
        return { done: true };
      } catch (error) {
        observe(false);
        const failure = classifyFailure(error);
        if (failure.kind === 'data') return { done: false, stopped: false, failure };
        if (failure.kind === 'fatal') this.fail(error, batch);
        progress.failingAttempts++;
        progress.lastError = failure.code ? `${failure.code}: ${failure.message}` : failure.message;
        const wait = backoffMs(attempt, 200, 15_000);
        this.opts.logger.warn({ err: error, ...where(batch), attempt, retryInMs: wait }, 'batch failed for a transient reason; retrying it');
        await sleep(wait);
        await ctx.heartbeat().catch(() => undefined);
      }
    }
  }

  private fail(error: unknown, batch: PartitionBatch): never {
    this.opts.logger.error({ err: error, ...where(batch) }, 'batch failed with a programmer or deployment error; stopping');
    this.opts.onFatal(error);
    throw error;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
    await this.opts.observer?.stopped?.();
  }
}

/** A batch's range and first key (the dossierId on the events topic), so a failure can be traced to its records. */
function where(batch: PartitionBatch) {
  const first = batch.messages[0];
  return {
    topic: batch.topic, partition: batch.partition, offset: first.offset, lastOffset: batch.messages[batch.messages.length - 1].offset,
    size: batch.messages.length, key: first.key?.toString('utf8').slice(0, 128) ?? null,
  };
}

function slice(topic: string, partition: number, messages: KafkaMessage[]): PartitionBatch {
  const last = messages[messages.length - 1];
  return { topic, partition, messages, nextOffset: (BigInt(last.offset) + 1n).toString() };
}
