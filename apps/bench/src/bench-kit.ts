import { readdirSync, readFileSync } from 'node:fs';
import type Redis from 'ioredis';
import type { Admin, Kafka } from 'kafkajs';
import { VINH_LONG_PROVINCE_CODE } from '@tthc/catalogue';
import { addDays, localDayOf } from '@tthc/domain';
import { readCpuSeconds } from './app-process';
import type { BenchEnv } from './bench-env';
import type { GroundTruthFile } from './ground-truth-check';
import { type LagSample, groupLag } from './lag-sampler';

/** Small tools every bench stage uses: logging, waiting, timing, topics and what to compare. */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const round = (n: number) => Math.round(n);
export const tenths = (n: number) => Math.round(n * 10) / 10;

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** Polls `check` until it holds; returns the instant it did. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A check that hangs (a kafkajs admin request lost on a busy broker) counts as "not yet".
    const ok = await Promise.race([check().catch(() => false), sleep(5_000).then(() => false)]);
    if (ok) return Date.now();
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function connectAdmin(kafka: Kafka): Promise<Admin> {
  const admin = kafka.admin();
  await admin.connect();
  return admin;
}

export async function createTopic(admin: Admin, topic: string, partitions = 6): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
}

export async function waitForGroups(admin: Admin, groups: string[]): Promise<void> {
  await waitUntil(`consumer groups ${groups.join(', ')} to be stable`, async () => (await admin.describeGroups(groups)).groups.every((g) => g.state === 'Stable' && g.members.length > 0), 90_000, 250);
}

export interface StageResult {
  records: number;
  seconds: number;
  perSecond: number;
}

export const stage = (records: number, fromMs: number, toMs: number): StageResult => ({
  records,
  seconds: Math.round((toMs - fromMs) / 100) / 10,
  perSecond: round((records * 1000) / Math.max(1, toMs - fromMs)),
});

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Sum of the aggregator's stored next offsets (PostgreSQL, the exactly-once record) for the validated topic. */
export async function storedAggregatorOffsets(env: BenchEnv): Promise<number> {
  const [r] = await env.sql<{ n: string | null }>(`SELECT sum(next_offset) AS n FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND next_offset >= 0`, [
    env.env.AGGREGATOR_GROUP_ID,
    env.env.TOPIC_VALIDATED,
  ]);
  return Number(r?.n ?? 0);
}

/** Province rolling-30-day totals expected in Redis once everything is applied. */
export function expectedRolling30(truth: GroundTruthFile, now: number): { receivedTotal: number; resolvedTotal: number } {
  const to = localDayOf(now);
  const from = addDays(to, -29);
  const out = { receivedTotal: 0, resolvedTotal: 0 };
  for (const d of truth.days) {
    if (d.day < from || d.day > to) continue;
    out.receivedTotal += d.receivedTotal;
    out.resolvedTotal += d.resolvedTotal;
  }
  return out;
}

/** The same totals as the live snapshot in Redis has them, summed over every province hash. */
export async function redisRolling30(redis: Redis, prefix: string, provinces: string[] = [VINH_LONG_PROVINCE_CODE]): Promise<{ receivedTotal: number; resolvedTotal: number }> {
  const out = { receivedTotal: 0, resolvedTotal: 0 };
  for (const province of provinces) {
    const all = await redis.hgetall(`${prefix}:live:{${province}}:units`);
    for (const v of Object.values(all)) {
      const s = JSON.parse(v) as { rolling30d: { receivedTotal: number; resolvedTotal: number } };
      out.receivedTotal += s.rolling30d.receivedTotal;
      out.resolvedTotal += s.rolling30d.resolvedTotal;
    }
  }
  return out;
}

/** Samples both groups' lag and every app's RSS once a second until stopped. */
export class Sampler {
  readonly samples: LagSample[] = [];
  private timer?: NodeJS.Timeout;
  private busy = false;
  private readonly t0 = Date.now();

  constructor(
    private readonly admin: Admin,
    private readonly env: BenchEnv,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), 1_000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const e = this.env.env;
      const [ingest, aggregator] = await Promise.all([groupLag(this.admin, e.INGEST_GROUP_ID!, e.TOPIC_EVENTS!), groupLag(this.admin, e.AGGREGATOR_GROUP_ID!, e.TOPIC_VALIDATED!)]);
      const rssMb: Record<string, number> = {};
      for (const [name, p] of this.env.apps) {
        const m = p.sample();
        if (m) rssMb[name] = Math.round(m.rssKb / 1024);
      }
      this.samples.push({ t: Math.round((Date.now() - this.t0) / 1000), ingestLag: ingest.lag, aggregatorLag: aggregator.lag, rssMb });
    } catch {
      // a missed sample is fine
    } finally {
      this.busy = false;
    }
  }
}

/**
 * CPU seconds used so far by the machine's shared services: every PostgreSQL backend (and the
 * postmaster) and the Kafka broker. Taken before and after a run, the difference is what the run
 * cost them (on a machine that runs nothing else). PostgreSQL's includes the processes that
 * ended in between: the postmaster reaps its backends and parallel workers, and their time
 * moves into its children's (a national run's window sums run in parallel workers that exit
 * after each query; without them PostgreSQL's share was under-counted).
 */
export function serviceCpuSeconds(): { postgres: number; kafka: number } {
  const { postgres = 0, kafka = 0 } = scanCpuSeconds(false);
  return { postgres, kafka };
}

/** What the shared services spent since `before` (a `serviceCpuSeconds` reading), in tenths of a second. */
export function serviceCpuSince(before: ReturnType<typeof serviceCpuSeconds>): ReturnType<typeof serviceCpuSeconds> {
  const now = serviceCpuSeconds();
  return { postgres: tenths(now.postgres - before.postgres), kafka: tenths(now.kafka - before.kafka) };
}

/**
 * CPU seconds used so far by each process that shares the machine in a freshness phase: the
 * pipeline's apps (any `…/apps/<name>/src/main.js` node process), PostgreSQL and the broker (as
 * `serviceCpuSeconds`), and this bench process (its producer, poller and probes).
 */
export function phaseCpuSeconds(): Record<string, number> {
  const own = process.cpuUsage();
  return { postgres: 0, kafka: 0, ...scanCpuSeconds(true), bench: (own.user + own.system) / 1e6 };
}

/** One pass over /proc: PostgreSQL, the broker and, with `apps`, each pipeline app by name. */
function scanCpuSeconds(apps: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (name: string, seconds: number | undefined) => (out[name] = (out[name] ?? 0) + (seconds ?? 0));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'postgres') add('postgres', readCpuSeconds(pid, true));
      else if (comm === 'java' && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('kafka.Kafka')) add('kafka', readCpuSeconds(pid));
      else if (apps && comm === 'node') {
        const app = /\/apps\/([a-z-]+)\/src\/main\.js/.exec(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))?.[1];
        if (app && app !== 'bench') add(app, readCpuSeconds(pid));
      }
    } catch {
      // the process ended while being read
    }
  }
  return out;
}
