import { setTimeout as delay } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { type Failure, type Logger, backoffMs, classifyFailure } from '@tthc/platform';
import { OffsetGapError } from './offset-gap.error';
import { type PartitionHealth, type PartitionProgress, observeFetch, partitionHealth } from './partition-health';
import { recordContext } from './record-context';
import { StoredOffsetsSeeker } from './stored-offsets.seeker';

export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  /** Offset after the last message: what to commit once the batch is handled. */
  nextOffset: string;
  /** The partition's end when the batch was fetched (kafkajs' high watermark), when known. */
  highWatermark?: string;
}

/**
 * Whether more records were already waiting in the partition when this batch was fetched: a
 * consumer catching up on a backlog (a replay, a restart after downtime) rather than keeping pace
 * with live traffic, whose fetches return everything there is.
 */
export function fetchedBehind(batch: PartitionBatch): boolean {
  return batch.highWatermark !== undefined && BigInt(batch.highWatermark) > BigInt(batch.nextOffset);
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
   * Read after every group join and sought to before any batch is handed over (StoredOffsetsSeeker),
   * so a restart resumes exactly where the database says. Kafka's committed offsets are still
   * updated after each batch so lag stays visible. A handler that finds a batch starting past its
   * stored offset throws OffsetGapError, and the consumer seeks back to it.
   */
  readStoredOffsets?(): Promise<Map<number, string>>;
  /** Called once when a fatal (programmer or deployment) error stops the consumer: the app should exit loudly. */
  onFatal(error: unknown): void;
  /** Instrumentation (metrics): told about every batch attempt and every partition assignment. */
  observer?: BatchConsumerObserver;
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeInMs?: number;
  /**
   * How old the consumer's topic metadata may get (kafkajs' default: 5 min). Partitions added to
   * the topic are noticed, and the group rebalanced onto them, only at a refresh: until then their
   * records wait unread (found by the fault runner's scale-out scenario, issue 11).
   */
  metadataMaxAge?: number;
  fromBeginning?: boolean;
  /**
   * How often applied positions are committed to Kafka, in one request for every partition with
   * news (and once more at stop); 0 (the default) commits after each batch, before the next
   * fetch. Only for handlers that may see records again past the last commit without effect: a
   * crash or a rebalance re-reads up to this much.
   */
  commitIntervalMs?: number;
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

/** A gap found this many times in a row at the same stored offset is not going away (see `rewind`). */
const MAX_REWINDS = 3;

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
  /** Per partition, the gap last found and how many times in a row (see `rewind`). */
  private readonly gaps = new Map<number, { expected: string; times: number }>();
  private seeker?: StoredOffsetsSeeker;
  private readonly now: () => number;
  /** Aborted by stop(): wakes every backoff wait, so a shutdown never sits out a 15 s retry delay. */
  private readonly stopped = new AbortController();
  /** Applied but not yet committed to Kafka (commitIntervalMs > 0): the next offset per partition. */
  private readonly uncommitted = new Map<number, string>();
  private commitTimer?: NodeJS.Timeout;
  /** Commits one after the other, so a partition's committed offset never goes back. */
  private committing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: BatchConsumerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Waits `ms`, or less if the consumer is stopped meanwhile (the timer's abort listener goes with it). */
  private pause(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.stopped.signal }).catch(() => undefined);
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
      // Partitions added to a live topic (deploy/README.md) reach the group when a member's
      // metadata refreshes: within KAFKA_METADATA_MAX_AGE_MS (30 s), not kafkajs' default 5 minutes of unread records.
      metadataMaxAge: o.metadataMaxAge ?? 30_000,
      // A crashed handler must not lose its place: kafkajs would otherwise restart from committed offsets anyway.
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    if (o.readStoredOffsets) {
      this.seeker = new StoredOffsetsSeeker({
        kafka: o.kafka,
        topic: o.topic,
        logger: o.logger,
        readStoredOffsets: () => o.readStoredOffsets!(),
        stopping: () => this.stopping,
        pause: (ms) => this.pause(ms),
      });
    }

    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = payload.memberAssignment[o.topic] ?? [];
      // Health follows the assignment: a partition handed to another member is not ours to report.
      for (const p of [...this.partitions.keys()]) if (!assigned.includes(p)) this.partitions.delete(p);
      // A partition's new owner commits its own progress: ours must not move its offset back.
      for (const p of [...this.uncommitted.keys()]) if (!assigned.includes(p)) this.uncommitted.delete(p);
      this.joined = true;
      o.observer?.assigned?.(assigned);
      this.seeker?.joined(consumer, assigned);
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

  private async runBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const isStale = () => payload.isStale();
    observeFetch(this.progress(batch.partition), BigInt(batch.highWatermark), batch.messages.length ? BigInt(batch.messages[0].offset) : undefined, this.now());
    if (batch.messages.length === 0) return;
    if (this.seeker) {
      await this.positioned(heartbeat);
      // The join sought this partition to its stored offset after this batch was fetched: it is fetched again from there.
      if (isStale()) return;
    }
    const whole = slice(batch, batch.messages);
    const ctx: BatchContext = { heartbeat, isStale };
    const live = () => payload.isRunning() && !isStale() && !this.stopping;

    const applied = await this.applyIsolating(whole, ctx, live);
    if (!applied) return;
    const last = batch.messages[batch.messages.length - 1];
    payload.resolveOffset(last.offset);
    if (!this.stopping) {
      this.uncommitted.set(batch.partition, whole.nextOffset);
      if (!this.opts.commitIntervalMs) await this.commitApplied();
      else this.commitTimer ??= setTimeout(() => this.commitOnTimer(), this.opts.commitIntervalMs);
    }
    await heartbeat();
  }

  /** Commits every partition's applied position not committed yet, in one request. */
  private commitApplied(): Promise<void> {
    this.committing = this.committing
      .catch(() => undefined)
      .then(async () => {
        if (this.uncommitted.size === 0 || !this.consumer) return;
        const offsets = [...this.uncommitted].map(([partition, offset]) => ({ topic: this.opts.topic, partition, offset }));
        this.uncommitted.clear();
        try {
          await this.consumer.commitOffsets(offsets);
        } catch (error) {
          // Back for the next commit unless a later batch (or a rebalance) superseded them.
          for (const o of offsets) if (!this.uncommitted.has(o.partition)) this.uncommitted.set(o.partition, o.offset);
          throw error;
        }
      });
    return this.committing;
  }

  private commitOnTimer(): void {
    this.commitTimer = undefined;
    this.commitApplied().then(
      () => undefined,
      (error: unknown) => {
        // A rebalance or an unreachable broker: the positions stay for the next commit, and a
        // re-read past the last commit has no effect (commitIntervalMs); lag shows it meanwhile.
        this.opts.logger.warn({ err: error, topic: this.opts.topic, groupId: this.opts.groupId, partitions: [...this.uncommitted.keys()] }, 'offset commit failed; retrying with the next');
        if (!this.stopping && this.uncommitted.size > 0) this.commitTimer ??= setTimeout(() => this.commitOnTimer(), this.opts.commitIntervalMs);
      },
    );
  }

  /** Waits for the seeks of the last group join, heartbeating so a slow database does not cost the membership. */
  private async positioned(heartbeat: () => Promise<void>): Promise<void> {
    if (this.seeker!.isPositioned()) return;
    const done = this.seeker!.position().then(() => true);
    while (!this.stopping && !(await Promise.race([done, this.pause(3_000).then(() => false)]))) await heartbeat().catch(() => undefined);
  }

  /** Applies `batch`, splitting it around what storage refuses. False when stopped part-way (a rebalance or shutdown). */
  private async applyIsolating(batch: PartitionBatch, ctx: BatchContext, live: () => boolean): Promise<boolean> {
    const outcome = await this.attempt(batch, ctx, live, () => this.opts.handleBatch(batch, ctx));
    if (outcome.done) return true;
    if (outcome.stopped) return false;
    if (batch.messages.length > 1) {
      const half = Math.ceil(batch.messages.length / 2);
      const left = slice(batch, batch.messages.slice(0, half));
      const right = slice(batch, batch.messages.slice(half));
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
          topic: batch.topic,
          group: this.opts.groupId,
          partition: batch.partition,
          size: batch.messages.length,
          seconds: (performance.now() - started) / 1000,
          ok,
        });
      try {
        await work();
        observe(true);
        progress.failingAttempts = 0;
        progress.lastError = null;
        this.gaps.delete(batch.partition);
        progress.nextOffset = BigInt(batch.nextOffset);
        progress.lastAdvanceAt = this.now();
        this.lastBatchAt = this.now();
        return { done: true };
      } catch (error) {
        observe(false);
        if (OffsetGapError.is(error)) return this.rewind(error, batch);
        const failure = classifyFailure(error);
        if (failure.kind === 'data') return { done: false, stopped: false, failure };
        if (failure.kind === 'fatal') this.fail(error, batch);
        progress.failingAttempts++;
        progress.lastError = failure.code ? `${failure.code}: ${failure.message}` : failure.message;
        const wait = backoffMs(attempt, 200, 15_000);
        this.opts.logger.warn({ err: error, ...where(batch), attempt, retryInMs: wait }, 'batch failed for a transient reason; retrying it');
        await this.pause(wait);
        await ctx.heartbeat().catch(() => undefined);
      }
    }
  }

  /**
   * The handler refused a batch that starts past its stored offset (nothing of it was applied):
   * read the partition again from the stored offset. The same gap found again and again means the
   * records in between are no longer on the broker (retention shorter than the outage); nothing
   * the consumer can do restores them, so it stops loudly.
   */
  private rewind(gap: OffsetGapError, batch: PartitionBatch): Outcome {
    const { topic, partition, expected, got } = gap;
    const last = this.gaps.get(partition);
    const times = last?.expected === expected ? last.times + 1 : 1;
    this.gaps.set(partition, { expected, times });
    if (times > MAX_REWINDS) {
      const error = new Error(
        `${topic}/${partition}: records from offset ${expected} to ${got} were never applied and the broker no longer serves them ` +
          `(retention shorter than the outage?); rebuild the counters from the raw log (deploy/README.md)`,
      );
      this.fail(error, batch);
    }
    this.opts.logger.error(
      { topic, partition, expected, got, missing: (BigInt(got) - BigInt(expected)).toString(), times },
      'batch starts past the stored offset: the records in between were never applied; seeking back to the stored offset',
    );
    this.consumer!.seek({ topic, partition, offset: expected });
    return { done: false, stopped: true };
  }

  private fail(error: unknown, batch: PartitionBatch): never {
    this.opts.logger.error({ err: error, ...where(batch) }, 'batch failed with a programmer or deployment error; stopping');
    this.opts.onFatal(error);
    throw error;
  }

  /**
   * Stops for good: no new attempt starts (a batch being retried is abandoned, uncommitted, at
   * once); a handler call in progress runs to its end, its transaction committing or rolling back
   * whole; kafkajs' disconnect waits for it. The worker bounds the whole wait (SHUTDOWN_TIMEOUT_MS).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    // While still a member: what was applied before the stop began is not read again.
    await this.commitApplied().catch((error: unknown) => this.opts.logger.warn({ err: error, topic: this.opts.topic }, 'offset commit at stop failed; the next owner re-reads from the last one'));
    await this.consumer?.disconnect();
    await this.opts.observer?.stopped?.();
  }
}

/** A batch's range and first key (the dossierId on the events topic), so a failure can be traced to its records. */
function where(batch: PartitionBatch) {
  const first = batch.messages[0];
  return {
    topic: batch.topic,
    partition: batch.partition,
    offset: first.offset,
    lastOffset: batch.messages[batch.messages.length - 1].offset,
    size: batch.messages.length,
    key: first.key?.toString('utf8').slice(0, 128) ?? null,
  };
}

/** `messages` of `from` (a fetched batch or a part of one) as a batch of their own, its high watermark kept. */
function slice(from: { topic: string; partition: number; highWatermark?: string }, messages: KafkaMessage[]): PartitionBatch {
  const last = messages[messages.length - 1];
  return { topic: from.topic, partition: from.partition, messages, nextOffset: (BigInt(last.offset) + 1n).toString(), highWatermark: from.highWatermark };
}
