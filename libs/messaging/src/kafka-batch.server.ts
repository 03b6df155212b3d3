import { BaseRpcContext, type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Failure } from '@tthc/platform';
import { type BatchConsumerOptions, type ConsumerHealth, type PartitionBatch, BatchConsumer } from './batch-consumer';

/**
 * What a handler bound with `@EventPattern` receives beside the batch (`@Ctx()`): where the batch
 * comes from, the means to keep the group membership alive in a long batch, and — for the
 * dead-letter pattern — why storage refused the message.
 */
export class KafkaBatchContext extends BaseRpcContext<[topic: string, partition: number, heartbeat: () => Promise<void>, isStale: () => boolean, failure: Failure | undefined]> {
  getTopic(): string {
    return this.args[0];
  }
  getPartition(): number {
    return this.args[1];
  }
  heartbeat(): Promise<void> {
    return this.args[2]();
  }
  /** True once a rebalance took the partition away: the new owner will handle the batch. */
  isStale(): boolean {
    return this.args[3]();
  }
  /** For a dead-letter call: the storage failure that isolated the message. */
  getFailure(): Failure {
    const failure = this.args[4];
    if (!failure) throw new Error('getFailure() is only meaningful in a dead-letter handler');
    return failure;
  }
}

/** The pattern whose handler takes one message that storage refused out of the stream (BatchConsumerOptions.deadLetter). */
export const deadLetterPattern = (pattern: string): string => `${pattern}.dead-letter`;

/** How one pattern is consumed: its topic, group and consumer settings (the handlers come from `@EventPattern`). */
export type BatchSubscription = Omit<BatchConsumerOptions, 'handleBatch' | 'deadLetter'>;

/**
 * Kafka partition batches as a Nest microservice transport: the extension point the Nest docs
 * give for transports the built-in ones do not cover. The built-in Kafka server binds kafkajs'
 * `eachMessage` (one message, one handler call); the pipeline needs whole partition batches to
 * write one transaction per batch. Each subscribed pattern gets a BatchConsumer (libs/messaging)
 * — manual offsets, transient retries, poison isolation, health — whose batches are handed to the
 * `@EventPattern(pattern)` handler and whose isolated messages go to
 * `@EventPattern(deadLetterPattern(pattern))`, with a KafkaBatchContext.
 *
 * Handler errors must reach the consumer unchanged, since it classifies them (libs/platform
 * `classifyFailure`): Nest's default RPC exception filter replaces them with a generic object, so
 * worker controllers use a filter that rethrows (libs/infrastructure `RethrowRpcExceptions`).
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  private readonly subscriptions = new Map<string, BatchSubscription>();
  private readonly consumers = new Map<string, BatchConsumer>();

  /**
   * `onFatal` replaces every subscription's own: the in-process test harness runs several apps
   * in the test runner's process, where a consumer's fatal error must be reported, not end the
   * process (a worker's main.ts leaves it unset: exit, and the supervisor restarts it).
   */
  constructor(private readonly options: { onFatal?: (error: unknown) => void } = {}) {
    super();
  }

  /** Declares how `pattern` is consumed; call before `listen()` (an app's module init). */
  subscribe(pattern: string, subscription: BatchSubscription): void {
    if (this.subscriptions.has(pattern)) throw new Error(`pattern ${pattern} is already subscribed`);
    this.subscriptions.set(pattern, subscription);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const [pattern, subscription] of this.subscriptions) {
        const handler = this.requireHandler(pattern);
        const deadLetter = this.requireHandler(deadLetterPattern(pattern));
        const context = (batch: PartitionBatch, heartbeat: () => Promise<void>, isStale: () => boolean, failure?: Failure) =>
          new KafkaBatchContext([batch.topic, batch.partition, heartbeat, isStale, failure]);
        this.consumers.set(
          pattern,
          new BatchConsumer({
            ...subscription,
            onFatal: this.options.onFatal ?? subscription.onFatal,
            handleBatch: (batch, ctx) => this.invoke(handler, batch, context(batch, ctx.heartbeat, ctx.isStale)),
            deadLetter: (batch, failure) =>
              this.invoke(
                deadLetter,
                batch,
                context(
                  batch,
                  () => Promise.resolve(),
                  () => false,
                  failure,
                ),
              ),
          }),
        );
      }
      await Promise.all([...this.consumers.values()].map((c) => c.start()));
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((c) => c.stop()));
  }

  health(): ConsumerHealth[] {
    return [...this.consumers.values()].map((c) => c.health());
  }

  /** Status events are not emitted by this transport; health() is how its state is read. */
  on(): never {
    throw new Error('KafkaBatchServer emits no events; read health() instead');
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  private requireHandler(pattern: string): MessageHandler {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`no @EventPattern('${pattern}') handler is bound for a subscribed pattern`);
    return handler;
  }

  /** Runs a handler to completion; its error (through the rethrowing filter) rejects. */
  private async invoke(handler: MessageHandler, batch: PartitionBatch, ctx: KafkaBatchContext): Promise<void> {
    const result: unknown = await handler(batch, ctx);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }
}
