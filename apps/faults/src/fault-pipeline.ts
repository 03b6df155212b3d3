import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { type Admin, type Kafka, Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { createKafka } from '@tthc/messaging';
import { createLogger } from '@tthc/platform';
import { AppProcess, type ProcessExit, freePort } from '@tthc/process-kit';
import type { FaultInfra } from './fault-infra';
import { type FeedRecord, appScript } from './fault-feed';
import { log, sleep, waitUntil } from './fault-log';

const run = promisify(execFile);

export type AppName = 'ingest' | 'aggregator' | 'notifier' | 'api';

/** One running process of an app: `ingest-2` is the second ingest process started in this run. */
export interface Instance {
  app: AppName;
  name: string;
  process: AppProcess;
  /** Workers: GET /health on HEALTH_PORT; api: /api/v1/health. */
  healthUrl: string;
  /** The api's base URL (api only). */
  base?: string;
  /** Set when the runner itself stops or kills it: any other exit is the app's own. */
  stopping?: boolean;
}

/**
 * One scenario run's pipeline on the private infrastructure: its own database, topics, consumer
 * groups and Redis key prefix, so runs never see each other's data; the apps run as
 * `node dist/apps/<app>/src/main.js`, any number of instances each, started, killed and
 * restarted by the scenario.
 */
export class FaultPipeline {
  /** Every pipeline not yet destroyed, so an interrupted runner can stop what it started. */
  static readonly open = new Set<FaultPipeline>();
  readonly id = randomBytes(3).toString('hex');
  readonly env: Record<string, string | undefined>;
  readonly kafka: Kafka;
  private readonly live = new Set<Instance>();
  private readonly started = new Map<AppName, number>();
  private producer?: Producer;
  /** Exits the runner did not cause (an app giving up on an unreachable service), each answered by a restart as an orchestrator would. */
  readonly unexpectedExits: string[] = [];

  constructor(
    readonly infra: FaultInfra,
    readonly logDir: string,
    partitions: number,
    extraEnv: Record<string, string> = {},
  ) {
    mkdirSync(logDir, { recursive: true });
    this.env = {
      ...process.env,
      // The runner drives the api with the published local keys.
      TTHC_ENV: 'local',
      LOG_LEVEL: 'info',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      KAFKA_BROKERS: infra.broker.brokers,
      DATABASE_URL: infra.postgres.url(`faults_${this.id}`),
      REDIS_URL: infra.redis.url,
      TOPIC_EVENTS: `faults.${this.id}.events`,
      TOPIC_VALIDATED: `faults.${this.id}.validated`,
      TOPIC_DLQ: `faults.${this.id}.dlq`,
      TOPIC_UNIT_METRICS: `faults.${this.id}.metrics.units`,
      TOPIC_ALERTS: `faults.${this.id}.alerts`,
      INGEST_GROUP_ID: `faults-${this.id}-ingest`,
      AGGREGATOR_GROUP_ID: `faults-${this.id}-aggregator`,
      NOTIFIER_GROUP_ID: `faults-${this.id}-notifier`,
      REDIS_KEY_PREFIX: `faults-${this.id}`,
      TOPIC_PARTITIONS: String(partitions),
      // One broker: the production defaults (3 replicas, 2 in sync) cannot be met.
      TOPIC_REPLICATION_FACTOR: '1',
      TOPIC_MIN_INSYNC_REPLICAS: '1',
      LIVE_FLUSH_MS: '300',
      LIVE_REFRESH_MS: '3000',
      CONSUMER_LAG_POLL_MS: '5000',
      RATE_LIMIT_MAX: '1000000',
      // Rules this feed breaches: the default rule judges the fully-online rate, which the simulator's
      // v1 events do not carry, so no alert would ever fire and the alert checks would have nothing to check.
      ALERT_RULES: JSON.stringify([
        { id: 'faults-online-rate-30d', metric: 'onlineRate', target: 0.8, minSample: 10, for: '0s' },
        { id: 'faults-on-time-rate-30d', metric: 'onTimeRate', target: 0.97, minSample: 10, for: '0s' },
      ]),
      ...extraEnv,
    };
    this.kafka = createKafka(infra.broker.brokers, `faults-${this.id}`, createLogger('faults', 'fatal'));
    FaultPipeline.open.add(this);
  }

  get topics() {
    const e = this.env;
    return { events: e.TOPIC_EVENTS!, validated: e.TOPIC_VALIDATED!, dlq: e.TOPIC_DLQ!, metrics: e.TOPIC_UNIT_METRICS!, alerts: e.TOPIC_ALERTS! };
  }

  /**
   * `cli provision`, as operators run it. It is idempotent, so it is retried: a broker just
   * started (or restarted) answers "does not host this topic-partition" for a few seconds after
   * it created the topics.
   */
  async provision(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await run(process.execPath, [appScript('cli'), 'provision'], { env: { ...this.env, LOG_LEVEL: 'warn' }, timeout: 300_000 });
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
        log(`  provision attempt ${attempt} failed (${(error as Error).message.split('\n')[1] ?? ''}); retrying`);
        await sleep(3_000);
      }
    }
  }

  /** Starts one more instance of `app`; waits until it is healthy unless `wait` is false. */
  async start(app: AppName, opts: { wait?: boolean; env?: Record<string, string>; healthTimeoutMs?: number } = {}): Promise<Instance> {
    const n = (this.started.get(app) ?? 0) + 1;
    this.started.set(app, n);
    const port = await freePort();
    const portEnv = app === 'api' ? { API_PORT: String(port) } : { HEALTH_PORT: String(port), HEALTH_HOST: '127.0.0.1' };
    const name = `${app}-${n}`;
    const p = new AppProcess(name, appScript(app), { ...this.env, ...portEnv, ...opts.env }, this.logDir).start();
    const base = app === 'api' ? `http://127.0.0.1:${port}/api/v1` : undefined;
    const instance: Instance = { app, name, process: p, healthUrl: base ? `${base}/health` : `http://127.0.0.1:${port}/health`, base };
    this.live.add(instance);
    void p.exited().then((exit) => {
      if (instance.stopping || !FaultPipeline.open.has(this)) return;
      this.live.delete(instance);
      this.unexpectedExits.push(`${name} exited (${exit.signal ?? exit.code})`);
      log(`  ${name} exited on its own (${exit.signal ?? `code ${exit.code}`}); restarting it, as Kubernetes would`);
      setTimeout(() => void this.start(app, { ...opts, wait: false }).catch(() => undefined), 1_000);
    });
    if (opts.wait !== false) await p.waitHealthy(instance.healthUrl, opts.healthTimeoutMs ?? 180_000);
    return instance;
  }

  running(app?: AppName): Instance[] {
    return [...this.live].filter((i) => i.process.running && (app === undefined || i.app === app));
  }

  /** SIGKILL: no shutdown hook runs, the batch in flight is lost with its transaction. */
  async kill(instance: Instance): Promise<void> {
    instance.stopping = true;
    instance.process.signal('SIGKILL');
    await instance.process.exited();
    this.live.delete(instance);
  }

  /** SIGTERM and the time until the process is gone (SIGKILL after `graceMs`, which a bounded shutdown never needs). */
  async terminate(instance: Instance, graceMs: number): Promise<{ exit: ProcessExit; ms: number }> {
    const t0 = Date.now();
    instance.stopping = true;
    const exit = (await instance.process.stop('SIGTERM', graceMs))!;
    this.live.delete(instance);
    return { exit, ms: Date.now() - t0 };
  }

  async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Sum of the partitions' end offsets. */
  async topicEnd(topic: string): Promise<number> {
    return this.withAdmin(async (a) => (await a.fetchTopicOffsets(topic)).reduce((s, o) => s + Number(o.high), 0));
  }

  /** Sum of a group's committed offsets on a topic (Kafka's record). */
  async committed(groupId: string, topic: string): Promise<number> {
    return this.withAdmin(async (a) => {
      const [g] = await a.fetchOffsets({ groupId, topics: [topic] });
      return (g?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
    });
  }

  /** Sum of the aggregator's stored next offsets (PostgreSQL, the exactly-once record). */
  async storedAggregatorOffsets(): Promise<number> {
    const [r] = await this.sql<{ n: string | null }>(`SELECT sum(next_offset) AS n FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND next_offset >= 0`, [
      this.env.AGGREGATOR_GROUP_ID,
      this.topics.validated,
    ]);
    return Number(r?.n ?? 0);
  }

  /** The next send goes through a new producer, which reads the topics' partitions afresh. */
  refreshProducer(): void {
    const old = this.producer;
    this.producer = undefined;
    void old?.disconnect().catch(() => undefined);
  }

  /**
   * Produces `records` in chunks, `pauseMs` apart, so the stream lasts while faults are
   * injected; a send that fails (the broker is down) is retried until it succeeds or
   * `giveUpMs` passes. Calls `onChunk` with the records acknowledged so far.
   */
  async produce(records: FeedRecord[], opts: { chunk: number; pauseMs: number; giveUpMs?: number; onChunk?: (sent: number) => void }): Promise<void> {
    for (let i = 0; i < records.length; i += opts.chunk) {
      const messages = records.slice(i, i + opts.chunk);
      const deadline = Date.now() + (opts.giveUpMs ?? 300_000);
      for (;;) {
        try {
          if (!this.producer) {
            const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
            this.producer = producer;
            await producer.connect();
          }
          await this.producer.send({ topic: this.topics.events, acks: -1, messages });
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await sleep(500);
        }
      }
      opts.onChunk?.(i + messages.length);
      if (opts.pauseMs > 0) await sleep(opts.pauseMs);
    }
  }

  /**
   * Waits until the pipeline has caught up: ingest committed the whole input topic, the
   * aggregator's stored offsets reach the end of the validated topic, the notifier consumed
   * every snapshot and published every transition in its log. Returns the instant it had.
   */
  async settle(timeoutMs: number): Promise<number> {
    const { events, validated, metrics } = this.topics;
    const e = this.env;
    return waitUntil(
      'the pipeline to catch up',
      async () => {
        if ((await this.committed(e.INGEST_GROUP_ID!, events)) < (await this.topicEnd(events))) return false;
        if ((await this.storedAggregatorOffsets()) < (await this.topicEnd(validated))) return false;
        if ((await this.committed(e.NOTIFIER_GROUP_ID!, metrics)) < (await this.topicEnd(metrics))) return false;
        const [unpublished] = await this.sql<{ n: number }>(`SELECT count(*)::int AS n FROM alert_transitions WHERE published_at IS NULL`);
        return unpublished.n === 0;
      },
      timeoutMs,
      500,
    );
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.env.DATABASE_URL, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Stops every instance (SIGTERM, SIGKILL after 10 s) and the producer; the private infrastructure goes with the runner. */
  async stopAll(): Promise<void> {
    for (const i of this.live) i.stopping = true;
    await Promise.all([...this.live].map((i) => i.process.stop('SIGTERM', 10_000)));
    this.live.clear();
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  async destroy(): Promise<void> {
    FaultPipeline.open.delete(this);
    await this.stopAll();
    await this.withAdmin((a) => a.deleteTopics({ topics: Object.values(this.topics) })).catch((e: Error) => log(`could not delete topics: ${e.message}`));
    await dropDatabaseOn(this.infra.postgres.url(), `faults_${this.id}`).catch((e: Error) => log(`could not drop the database: ${e.message}`));
  }
}

async function dropDatabaseOn(maintenanceUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
