import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { dropDatabase } from '@tthc/persistence';
import { AppProcess } from './app-process';

const run = promisify(execFile);

/** The compiled tree this file runs from: dist/apps/bench/src → dist. */
export const DIST_ROOT = resolve(__dirname, '../../..');
export const appScript = (app: string, distRoot = DIST_ROOT): string => join(distRoot, 'apps', app, 'src', 'main.js');

export const PIPELINE_APPS = ['ingest', 'aggregator', 'notifier', 'api'] as const;
export type PipelineApp = (typeof PIPELINE_APPS)[number];

const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tthc';

/**
 * One isolated pipeline for a benchmark stage: its own database, topics, consumer groups and
 * Redis key prefix (the ideas of test/support/pipeline-harness.ts), with the apps run as
 * separate processes so each one's CPU and memory are its own.
 */
export class BenchEnv {
  readonly id = randomBytes(3).toString('hex');
  readonly database = `tthc_bench_${this.id}`;
  readonly env: Record<string, string | undefined>;
  readonly apps = new Map<string, AppProcess>();

  constructor(
    readonly kafka: Kafka,
    readonly logDir: string,
    readonly apiPort: number,
    /** The built tree the apps run from: this one, or another commit's (bench --before). */
    readonly distRoot = DIST_ROOT,
    extraEnv: Record<string, string> = {},
  ) {
    const url = new URL(BASE_DATABASE_URL);
    url.pathname = `/${this.database}`;
    this.env = {
      ...process.env,
      // The benchmarks drive the apps with the published local keys.
      TTHC_ENV: 'local',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      // BENCH_APP_LOG_LEVEL=debug (with --keep) leaves each batch and live recompute in .cache/bench/<run>/logs.
      LOG_LEVEL: process.env.BENCH_APP_LOG_LEVEL ?? 'warn',
      DATABASE_URL: url.toString(),
      TOPIC_EVENTS: `bench.${this.id}.events`,
      TOPIC_VALIDATED: `bench.${this.id}.validated`,
      TOPIC_DLQ: `bench.${this.id}.dlq`,
      TOPIC_UNIT_METRICS: `bench.${this.id}.metrics.units`,
      TOPIC_ALERTS: `bench.${this.id}.alerts`,
      INGEST_GROUP_ID: `bench-${this.id}-ingest`,
      AGGREGATOR_GROUP_ID: `bench-${this.id}-aggregator`,
      NOTIFIER_GROUP_ID: `bench-${this.id}-notifier`,
      REDIS_KEY_PREFIX: `bench-${this.id}`,
      API_PORT: String(apiPort),
      RATE_LIMIT_MAX: '1000000',
      ...extraEnv,
    };
  }

  get topics(): string[] {
    const e = this.env;
    return [e.TOPIC_EVENTS!, e.TOPIC_VALIDATED!, e.TOPIC_DLQ!, e.TOPIC_UNIT_METRICS!, e.TOPIC_ALERTS!];
  }

  async provision(): Promise<void> {
    await run(process.execPath, [appScript('cli', this.distRoot), 'provision'], { env: this.env });
  }

  start(app: string, nodeArgs: string[] = [], extraEnv: Record<string, string> = {}, script = appScript(app, this.distRoot)): AppProcess {
    const p = new AppProcess(app, script, { ...this.env, ...extraEnv }, this.logDir, nodeArgs);
    p.start();
    this.apps.set(app, p);
    return p;
  }

  sampleAll(): void {
    for (const p of this.apps.values()) p.sample();
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.env.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Stops the apps, deletes the topics, drops the database and the Redis keys. */
  /** Stops the apps it started (`--keep` leaves their data, not their processes, to the next run). */
  async stopApps(): Promise<void> {
    await Promise.all([...this.apps.values()].map((p) => p.stop()));
  }

  async destroy(extraTopics: string[] = []): Promise<void> {
    await this.stopApps();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [...this.topics, ...extraTopics] }).catch(() => undefined);
    await admin.disconnect();
    // Through the server's maintenance database: the base database need not exist (a fresh machine).
    await dropDatabase(this.env.DATABASE_URL!).catch(() => undefined);
    const redis = new Redis(this.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${this.env.REDIS_KEY_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
}

/** Sum over partitions of the high watermarks of a topic. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((s, o) => s + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}
