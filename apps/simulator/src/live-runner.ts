import type { DossierFeed, FeedEvent } from './feed/dossier-feed';
import { DAY_MS, HOUR_MS, SECOND_MS, formatLocalIso } from './feed/local-time';
import type { NoiseInjector, OutgoingMessage } from './noise';

/** Where the messages go (Kafka in main.ts, an array in tests). */
export interface MessageSink {
  send(messages: OutgoingMessage[]): Promise<void>;
}

/** The real clock, injected so tests can drive time. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts; never rejects. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** What the runner logs through (a pino logger fits). */
export interface RunnerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface LiveRunnerOptions {
  backfillDays: number;
  /** Simulated ms per wall ms during the backfill; 'max' = as fast as the sink takes it. */
  speed: number | 'max';
  /** Wall time between two sends once live (and between paced backfill steps). */
  tickMs: number;
  /** Largest batch per send: a broker takes at most message.max.bytes (1 MB) per partition batch. */
  maxBatch: number;
  /** Interval of the progress log line. */
  logEveryMs: number;
  noise?: NoiseInjector;
}

export const DEFAULT_RUNNER_OPTIONS: Omit<LiveRunnerOptions, 'backfillDays' | 'speed'> = {
  tickMs: 500,
  maxBatch: 1_000,
  logEveryMs: 10_000,
};

/** Simulated time advanced per step of an unthrottled backfill. */
const MAX_SPEED_STEP_MS = HOUR_MS;

export type RunnerPhase = 'backfill' | 'live';

export interface RunnerStats {
  phase: RunnerPhase;
  /** Feed events sent (noise not included). */
  events: number;
  /** Messages sent, noise included. */
  messages: number;
  duplicates: number;
  malformed: number;
  /** Simulated clock: everything before it has been handed to the sink. */
  simulatedAt: number;
}

/**
 * Drives a DossierFeed against the real clock: the simulated clock starts `backfillDays` before
 * now, catches up (unthrottled, or at `speed`), then follows the real clock tick by tick. The
 * simulated clock never passes the real one, so no event is dated in the future (ingest rejects
 * occurredAt more than 5 minutes ahead).
 */
export class LiveRunner {
  private readonly abort = new AbortController();
  private readonly stats: RunnerStats;
  private lastLogAt = 0;
  private eventsAtLastLog = 0;

  constructor(
    private readonly feed: DossierFeed,
    private readonly sink: MessageSink,
    private readonly clock: Clock,
    private readonly logger: RunnerLogger,
    private readonly options: LiveRunnerOptions,
  ) {
    const start = Math.floor((clock.now() - options.backfillDays * DAY_MS) / SECOND_MS) * SECOND_MS;
    this.stats = { phase: options.backfillDays > 0 ? 'backfill' : 'live', events: 0, messages: 0, duplicates: 0, malformed: 0, simulatedAt: start };
  }

  get progress(): Readonly<RunnerStats> {
    return { ...this.stats };
  }

  get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  /** Ends run() after the send in flight (if any). */
  stop(): void {
    this.abort.abort();
  }

  async run(): Promise<RunnerStats> {
    const { clock, options } = this;
    const startedAt = clock.now();
    this.lastLogAt = startedAt;
    this.logger.info({ phase: this.stats.phase, from: formatLocalIso(this.stats.simulatedAt), speed: options.speed, noise: !!options.noise }, 'simulator started');
    while (!this.stopping) {
      const tickStart = clock.now();
      const backfill = this.stats.phase === 'backfill';
      const step = !backfill ? Infinity : options.speed === 'max' ? MAX_SPEED_STEP_MS : options.tickMs * options.speed;
      const to = Math.min(this.stats.simulatedAt + step, tickStart);
      if (to > this.stats.simulatedAt) {
        const events = this.feed.eventsBetween(this.stats.simulatedAt, to);
        this.stats.simulatedAt = to;
        await this.publish(events);
      }
      if (backfill && this.stats.simulatedAt >= tickStart) {
        this.stats.phase = 'live';
        this.logger.info({ events: this.stats.events, seconds: Math.round((clock.now() - startedAt) / 100) / 10 }, 'backfill done; following the real clock');
      }
      this.maybeLog();
      if (backfill && options.speed === 'max') {
        await clock.sleep(0, this.abort.signal); // let signals and I/O in between steps
      } else {
        await clock.sleep(Math.max(0, tickStart + options.tickMs - clock.now()), this.abort.signal);
      }
    }
    this.logger.info({ ...this.progress, simulatedAt: formatLocalIso(this.stats.simulatedAt) }, 'simulator stopped');
    return this.progress;
  }

  private async publish(events: FeedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const clean: OutgoingMessage[] = events.map((e) => ({ key: e.key, value: JSON.stringify(e.value) }));
    const noise = this.options.noise;
    const messages = noise ? noise.apply(clean) : clean;
    for (let i = 0; i < messages.length; i += this.options.maxBatch) {
      const batch = messages.slice(i, i + this.options.maxBatch);
      if (!(await this.sendWithRetry(batch))) {
        this.logger.warn({ unsent: messages.length - i }, 'stopping with messages unsent');
        return;
      }
      this.stats.messages += batch.length;
    }
    this.stats.events += events.length;
    if (noise) {
      this.stats.duplicates = noise.duplicates;
      this.stats.malformed = noise.malformed;
    }
  }

  /** Retries a failed send with backoff until it succeeds (true) or the runner stops (false). */
  private async sendWithRetry(batch: OutgoingMessage[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.sink.send(batch);
        return true;
      } catch (error) {
        if (this.stopping) return false;
        const waitMs = Math.min(30_000, 1_000 * 2 ** attempt);
        this.logger.warn({ err: error, attempt: attempt + 1, retryInMs: waitMs, batch: batch.length }, 'send failed; retrying');
        await this.clock.sleep(waitMs, this.abort.signal);
        if (this.stopping) return false;
      }
    }
  }

  private maybeLog(): void {
    const now = this.clock.now();
    if (now - this.lastLogAt < this.options.logEveryMs) return;
    const sent = this.stats.events - this.eventsAtLastLog;
    this.logger.info(
      {
        phase: this.stats.phase,
        eventsSent: sent,
        perSecond: Math.round((sent * 1000) / (now - this.lastLogAt)),
        eventsTotal: this.stats.events,
        messagesTotal: this.stats.messages,
        duplicates: this.stats.duplicates,
        malformed: this.stats.malformed,
        simulatedAt: formatLocalIso(this.stats.simulatedAt),
        behindSeconds: Math.round((now - this.stats.simulatedAt) / 1000),
        pendingFollowUps: this.feed.pendingSize,
      },
      `sent ${sent} events in the last ${Math.round((now - this.lastLogAt) / 1000)} s`,
    );
    this.lastLogAt = now;
    this.eventsAtLastLog = this.stats.events;
  }
}
