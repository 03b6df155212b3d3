import 'reflect-metadata';
import { execFile, execSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { type Admin, type Kafka, type Message, Partitioners } from 'kafkajs';
import { VINH_LONG_PROVINCE_CODE, loadUnitCatalogue } from '@tthc/catalogue';
import { createKafka } from '@tthc/messaging';
import { createLogger } from '@tthc/platform';
import type { AppProcess } from './app-process';
import { BENCH_USAGE, type BenchOptions, parseBenchArgs } from './bench-args';
import { BenchEnv, DIST_ROOT, appScript } from './bench-env';
import { javaConsumerCeiling, javaProducerCeiling, kafkajsConsumerCeiling, kafkajsProducerCeiling } from './ceilings';
import { topFramesBySelfTime } from './cpuprofile-summary';
import { type FreshnessResult, measureFreshness } from './freshness';
import { type GroundTruthFile, type TruthCheck, checkAgainstGroundTruth, truthCheckPassed } from './ground-truth-check';
import { type LagSample, groupLag, sparkline } from './lag-sampler';

/**
 * `npm run bench` (issue 6): generate a period of the calibrated feed with its ground truth,
 * measure the broker's and kafkajs' ceilings for that record size, then the pipeline stage by
 * stage (ingest alone, aggregator alone) and as a whole (all four apps, file produced while they
 * run), check the counters against the ground truth, measure a naive NestJS baseline and the
 * freshness of GET /metrics/live under steady load. Exits 1 on any ground-truth difference.
 */

const run = promisify(execFile);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number) => Math.round(n);
const localDay = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A check that hangs (a kafkajs admin request lost on a busy broker) counts as "not yet".
    const ok = await Promise.race([check().catch(() => false), sleep(5_000).then(() => false)]);
    if (ok) return Date.now();
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function connectAdmin(kafka: Kafka): Promise<Admin> {
  const admin = kafka.admin();
  await admin.connect();
  return admin;
}

async function createTopic(admin: Admin, topic: string, partitions = 6): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
}

async function waitForGroups(admin: Admin, groups: string[]): Promise<void> {
  await waitUntil(
    `consumer groups ${groups.join(', ')} to be stable`,
    async () => (await admin.describeGroups(groups)).groups.every((g) => g.state === 'Stable' && g.members.length > 0),
    90_000,
    250,
  );
}

/** Sum of the aggregator's stored next offsets (PostgreSQL, the exactly-once record) for the validated topic. */
async function storedAggregatorOffsets(env: BenchEnv): Promise<number> {
  const [r] = await env.sql<{ n: string | null }>(
    `SELECT sum(next_offset) AS n FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND next_offset >= 0`,
    [env.env.AGGREGATOR_GROUP_ID, env.env.TOPIC_VALIDATED],
  );
  return Number(r?.n ?? 0);
}

/** Province rolling-30-day totals expected in Redis once everything is applied. */
function expectedRolling30(truth: GroundTruthFile, now: number): { receivedTotal: number; resolvedTotal: number } {
  const to = localDay(now);
  const from = addDays(to, -29);
  const out = { receivedTotal: 0, resolvedTotal: 0 };
  for (const d of truth.days) {
    if (d.day < from || d.day > to) continue;
    out.receivedTotal += d.receivedTotal;
    out.resolvedTotal += d.resolvedTotal;
  }
  return out;
}

async function redisRolling30(redis: Redis, prefix: string): Promise<{ receivedTotal: number; resolvedTotal: number }> {
  const all = await redis.hgetall(`${prefix}:live:{${VINH_LONG_PROVINCE_CODE}}:units`);
  const out = { receivedTotal: 0, resolvedTotal: 0 };
  for (const v of Object.values(all)) {
    const s = JSON.parse(v) as { rolling30d: { receivedTotal: number; resolvedTotal: number } };
    out.receivedTotal += s.rolling30d.receivedTotal;
    out.resolvedTotal += s.rolling30d.resolvedTotal;
  }
  return out;
}

/** Samples both groups' lag and every app's RSS once a second until stopped. */
class Sampler {
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
      const [ingest, aggregator] = await Promise.all([
        groupLag(this.admin, e.INGEST_GROUP_ID!, e.TOPIC_EVENTS!),
        groupLag(this.admin, e.AGGREGATOR_GROUP_ID!, e.TOPIC_VALIDATED!),
      ]);
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

function profileArgs(opts: BenchOptions, app: string, dir: string): string[] {
  if (!opts.profile.includes(app)) return [];
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, '-r', join(DIST_ROOT, 'apps/bench/src/profile-preload.js')];
}

async function stopProfiled(p: AppProcess, dir: string, top = 15): Promise<{ frame: string; selfPercent: number }[]> {
  await p.stop('SIGUSR2');
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return [];
  return topFramesBySelfTime(join(dir, files.sort().pop()!), top);
}

async function produceFileViaSimulator(env: BenchEnv, file: string): Promise<{ records: number; ms: number; perSecond: number }> {
  const { stdout } = await run(process.execPath, [appScript('simulator'), 'produce', '--file', file, '--topic', env.env.TOPIC_EVENTS!], {
    env: env.env,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { records: number; ms: number; perSecond: number };
}

function loadMessages(file: string, limit = Infinity): Message[] {
  const out: Message[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as { key: string; value: string };
    out.push({ key: r.key, value: r.value });
    if (out.length >= limit) break;
  }
  return out;
}

interface StageResult {
  records: number;
  seconds: number;
  perSecond: number;
}

const stage = (records: number, fromMs: number, toMs: number): StageResult => ({
  records,
  seconds: Math.round((toMs - fromMs) / 100) / 10,
  perSecond: round((records * 1000) / Math.max(1, toMs - fromMs)),
});

async function main(): Promise<number> {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  const opts = parsed;
  const runId = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const work = resolve(process.cwd(), '.cache/bench', runId);
  mkdirSync(work, { recursive: true });
  const logDir = join(work, 'logs');
  mkdirSync(logDir, { recursive: true });

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAtStart: loadavg().map((l) => l.toFixed(2)).join(' '),
    kafka: '3.9.1 (KRaft, single broker, same machine)',
    postgres: safe(() => execSync(`psql -h 127.0.0.1 -U postgres -tAc 'show server_version'`, { encoding: 'utf8' }).trim()),
    redis: safe(() => execSync(`redis-cli -h 127.0.0.1 INFO server | grep redis_version`, { encoding: 'utf8' }).trim()),
  };
  const fs = statfsSync(work);
  const freeGb = (fs.bavail * fs.bsize) / 2 ** 30;
  const estRecords = opts.events ?? Math.round(7_570 * opts.days * opts.rateScale);
  const needGb = (estRecords * 330 * 8) / 2 ** 30; // file + 2 pipelines' topics + ceilings + raw logs
  log(`machine: ${JSON.stringify(machine)}; free disk ${freeGb.toFixed(1)} GB, need ~${needGb.toFixed(1)} GB`);
  if (freeGb < needGb + 5) throw new Error(`not enough free disk: ${freeGb.toFixed(1)} GB`);

  // 1. The file and its ground truth.
  const to = addDays(localDay(Date.now()), -1);
  const from = addDays(to, -(opts.days - 1));
  const dataDir = join(work, 'data');
  log(`generating ${from} … ${to} (seed ${opts.seed}, rate scale ${opts.rateScale.toFixed(3)})`);
  const genStart = Date.now();
  await run(
    process.execPath,
    [appScript('simulator'), 'file', '--from', from, '--to', to, '--seed', String(opts.seed), '--rate-scale', String(opts.rateScale), '--out', dataDir],
    { maxBuffer: 1 << 20 },
  );
  const truth = JSON.parse(readFileSync(join(dataDir, 'ground-truth.json'), 'utf8')) as GroundTruthFile;
  const file = join(dataDir, 'events.ndjson');
  const records = truth.lines;
  log(`file: ${records} records (${JSON.stringify(truth.transport)}) in ${((Date.now() - genStart) / 1000).toFixed(1)} s`);

  const kafka: Kafka = createKafka(BROKERS, `bench-${runId}`, createLogger('bench', 'error'));
  const results: Record<string, unknown> = { runId, machine, options: opts, period: { from, to }, records, transport: truth.transport };
  const scratchTopics: string[] = [];
  let exitCode = 0;

  try {
    // 2. Ceilings for the same record size and count.
    const messages = loadMessages(file);
    const recordSize = round(messages.reduce((s, m) => s + (m.value as string).length, 0) / messages.length);
    if (opts.ceilings) {
      const admin = await connectAdmin(kafka);
      const javaTopic = `bench.${runId}.ceiling-java`;
      const jsTopic = `bench.${runId}.ceiling-kafkajs`;
      await createTopic(admin, javaTopic);
      await createTopic(admin, jsTopic);
      log(`ceilings: ${records} records of ${recordSize} bytes`);
      const javaProduce = await javaProducerCeiling(BROKERS, javaTopic, records, recordSize);
      const javaConsume = await javaConsumerCeiling(BROKERS, javaTopic, records);
      const jsProduce = await kafkajsProducerCeiling(kafka, jsTopic, messages);
      const jsConsume = await kafkajsConsumerCeiling(kafka, jsTopic, `bench-${runId}-ceiling`, records);
      results.ceilings = { recordSize, javaProduce: round(javaProduce), javaConsume: round(javaConsume), kafkajsProduce: round(jsProduce), kafkajsConsumeParse: round(jsConsume), load: loadavg()[0] };
      log(`ceilings: ${JSON.stringify(results.ceilings)}`);
      await admin.deleteTopics({ topics: [javaTopic, jsTopic] }).catch(() => undefined);
      await admin.disconnect();
    }
    const naiveSlice = messages.slice(0, opts.naiveEvents);
    messages.length = 0;

    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      // 3. Stage by stage: the file produced with nobody consuming, then ingest alone, then the aggregator alone.
      const a = new BenchEnv(kafka, logDir, 3900 + Math.floor(Math.random() * 90));
      // Admin clients per stage: a kafkajs admin keeps refreshing metadata of every topic it has
      // seen, and hangs on one that was deleted; each stage's topics die with its clients.
      let admin = await connectAdmin(kafka);
      let samplerAdmin = await connectAdmin(kafka);
      try {
        await a.provision();
        log(`staged run ${a.id}: producing the file`);
        const produced = await produceFileViaSimulator(a, file);
        results.produce = { ...produced, load: loadavg()[0] };
        log(`produce (simulator, ${produced.records} records): ${produced.perSecond}/s`);

        const sampler = new Sampler(samplerAdmin, a);
        sampler.start();
        const profDir = join(work, 'prof');
        const ingest = a.start('ingest', profileArgs(opts, 'ingest', join(profDir, 'ingest')));
        let firstIngest = 0;
        const ingestDone = await waitUntil(
          'ingest to consume the file',
          async () => {
            const l = await groupLag(admin, a.env.INGEST_GROUP_ID!, a.env.TOPIC_EVENTS!);
            if (l.committed > 0 && firstIngest === 0) firstIngest = Date.now();
            return l.committed >= records;
          },
          1_800_000,
          100,
        );
        ingest.sample();
        const ingestStage = stage(records, firstIngest, ingestDone);
        const ingestCpu = ingest.cpuSeconds;
        log(`ingest alone: ${ingestStage.perSecond}/s`);
        const ingestProfile = opts.profile.includes('ingest') ? await stopProfiled(ingest, join(profDir, 'ingest')) : undefined;

        const validated = await groupLag(admin, a.env.AGGREGATOR_GROUP_ID!, a.env.TOPIC_VALIDATED!);
        const aggregator = a.start('aggregator', profileArgs(opts, 'aggregator', join(profDir, 'aggregator')));
        let firstAgg = 0;
        const aggDone = await waitUntil(
          'the aggregator to apply the validated topic',
          async () => {
            const n = await storedAggregatorOffsets(a);
            if (n > 0 && firstAgg === 0) firstAgg = Date.now();
            return n >= validated.end;
          },
          1_800_000,
          100,
        );
        const aggStage = stage(validated.end, firstAgg, aggDone);
        aggregator.sample();
        const aggCpu = aggregator.cpuSeconds;
        log(`aggregator alone: ${aggStage.perSecond}/s`);
        const expected30 = expectedRolling30(truth, Date.now());
        const redisDone = await waitUntil(
          'Redis to reflect the counters',
          async () => JSON.stringify(await redisRolling30(redis, a.env.REDIS_KEY_PREFIX!)) === JSON.stringify(expected30),
          120_000,
          100,
        );
        const aggregatorProfile = opts.profile.includes('aggregator') ? await stopProfiled(aggregator, join(profDir, 'aggregator')) : undefined;
        sampler.stop();
        a.sampleAll();
        const checkA = await checkAgainstGroundTruth(a, truth);
        results.staged = {
          ingest: { ...ingestStage, cpuSeconds: ingestCpu, peakRssMb: round(ingest.peakRssKb / 1024) },
          aggregator: { ...aggStage, cpuSeconds: aggCpu, peakRssMb: round(aggregator.peakRssKb / 1024), redisAfterPgMs: redisDone - aggDone },
          validatedRecords: validated.end,
          groundTruth: summarise(checkA),
          lag: sampler.samples,
          profiles: { ingest: ingestProfile, aggregator: aggregatorProfile },
          load: loadavg()[0],
        };
        if (!truthCheckPassed(checkA)) exitCode = 1;
        log(`staged run ground truth: ${JSON.stringify(summarise(checkA))}`);
      } finally {
        await admin.disconnect();
        await samplerAdmin.disconnect();
        if (!opts.keep) await a.destroy();
      }

      // 4. The whole pipeline: all four apps running, the file produced into it.
      const b = new BenchEnv(kafka, logDir, 3900 + Math.floor(Math.random() * 90));
      admin = await connectAdmin(kafka);
      samplerAdmin = await connectAdmin(kafka);
      try {
        await b.provision();
        const apps = ['ingest', 'aggregator', 'notifier', 'api'].map((name) => b.start(name));
        await waitForGroups(admin, [b.env.INGEST_GROUP_ID!, b.env.AGGREGATOR_GROUP_ID!]);
        const apiBase = `http://127.0.0.1:${b.env.API_PORT}`;
        await waitUntil('the api to be healthy', async () => (await fetch(`${apiBase}/api/v1/health`)).ok, 60_000, 250);
        log(`whole run ${b.id}: apps up; producing the file`);
        const sampler = new Sampler(samplerAdmin, b);
        sampler.start();
        const t0 = Date.now();
        const produced = await produceFileViaSimulator(b, file);
        const producedAt = Date.now();
        const ingestDone = await waitUntil(
          'ingest to consume the file',
          async () => (await groupLag(admin, b.env.INGEST_GROUP_ID!, b.env.TOPIC_EVENTS!)).committed >= records,
          1_800_000,
          100,
        );
        log(`whole: ingest done after ${((ingestDone - t0) / 1000).toFixed(1)} s`);
        const validatedEnd = (await groupLag(admin, b.env.AGGREGATOR_GROUP_ID!, b.env.TOPIC_VALIDATED!)).end;
        const pgDone = await waitUntil('the aggregator to apply everything', async () => (await storedAggregatorOffsets(b)) >= validatedEnd, 1_800_000, 100);
        log(`whole: aggregator done after ${((pgDone - t0) / 1000).toFixed(1)} s`);
        const expected30 = expectedRolling30(truth, Date.now());
        const redisDone = await waitUntil(
          'Redis to reflect the counters',
          async () => JSON.stringify(await redisRolling30(redis, b.env.REDIS_KEY_PREFIX!)) === JSON.stringify(expected30),
          120_000,
          100,
        );
        sampler.stop();
        b.sampleAll();
        const checkB = await checkAgainstGroundTruth(b, truth);
        if (!truthCheckPassed(checkB)) exitCode = 1;
        results.whole = {
          produce: { perSecond: round((records * 1000) / (producedAt - t0)), simulatorReported: produced.perSecond },
          ingest: stage(records, t0, ingestDone),
          aggregator: stage(validatedEnd, t0, pgDone),
          endToEndPostgres: stage(records, t0, pgDone),
          endToEndRedis: stage(records, t0, redisDone),
          peakRssMb: Object.fromEntries(apps.map((p) => [p.name, round(p.peakRssKb / 1024)])),
          cpuSeconds: Object.fromEntries(apps.map((p) => [p.name, p.cpuSeconds])),
          groundTruth: summarise(checkB),
          lag: sampler.samples,
          load: loadavg()[0],
        };
        log(`whole: ${JSON.stringify({ ...(results.whole as object), lag: undefined })}`);

        // 5. Freshness under steady load, on the running pipeline.
        if (opts.freshness) {
          const units = loadUnitCatalogue(VINH_LONG_PROVINCE_CODE).map((u) => u.code);
          const markerUnit = units[units.length - 1];
          const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
          await producer.connect();
          const fresh: FreshnessResult[] = [];
          try {
            for (const rate of opts.freshnessRates) {
              log(`freshness at ${rate}/s for ${opts.freshnessSeconds} s`);
              fresh.push(
                await measureFreshness({
                  producer,
                  topic: b.env.TOPIC_EVENTS!,
                  apiBase,
                  apiKey: 'local-ioc-key',
                  markerUnit,
                  loadUnits: units.slice(0, -1),
                  rate,
                  seconds: opts.freshnessSeconds,
                  runId,
                }),
              );
              log(`freshness: ${JSON.stringify(fresh[fresh.length - 1])}`);
            }
          } finally {
            await producer.disconnect();
          }
          results.freshness = fresh;
        }

        // 6. The naive baseline, on a slice, in the same database.
        if (opts.naive) {
          const topic = `bench.${b.id}.naive`;
          scratchTopics.push(topic);
          await createTopic(admin, topic);
          const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
          await producer.connect();
          for (let i = 0; i < naiveSlice.length; i += 5_000) await producer.send({ topic, acks: -1, messages: naiveSlice.slice(i, i + 5_000) });
          await producer.disconnect();
          const ids = new Set<string>();
          for (const m of naiveSlice) {
            try {
              ids.add((JSON.parse(m.value as string) as { eventId: string }).eventId);
            } catch {
              // malformed line: the naive handler skips it
            }
          }
          log(`naive baseline: ${naiveSlice.length} records (${ids.size} distinct events)`);
          const naive = b.start('naive', [], { NAIVE_TOPIC: topic, NAIVE_GROUP_ID: `bench-${b.id}-naive` }, join(DIST_ROOT, 'apps/bench/src/naive/main.js'));
          let first = 0;
          const done = await waitUntil(
            'the naive baseline',
            async () => {
              const [r] = await b.sql<{ n: string }>(`SELECT count(*) AS n FROM naive_raw_events`);
              if (Number(r.n) > 0 && first === 0) first = Date.now();
              return Number(r.n) >= ids.size;
            },
            1_800_000,
            200,
          );
          naive.sample();
          const naiveStage = stage(naiveSlice.length, first, done);
          await naive.stop();
          const whole = (results.whole as { endToEndPostgres: StageResult }).endToEndPostgres;
          results.naive = { ...naiveStage, peakRssMb: round(naive.peakRssKb / 1024), cpuSeconds: naive.cpuSeconds, ratio: Math.round((whole.perSecond / naiveStage.perSecond) * 10) / 10 };
          log(`naive: ${JSON.stringify(results.naive)}`);
        }
      } finally {
        await admin.disconnect();
        await samplerAdmin.disconnect();
        if (!opts.keep) await b.destroy(scratchTopics);
      }
    } finally {
      await redis.quit();
    }
  } finally {
    results.loadAtEnd = loadavg().map((l) => l.toFixed(2)).join(' ');
    mkdirSync(resolve(process.cwd(), 'bench-results'), { recursive: true });
    const out = resolve(process.cwd(), 'bench-results', `pipeline-${runId}.json`);
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
    log(`results written to ${out}`);
  }
  printReport(results);
  return exitCode;
}

function summarise(c: TruthCheck) {
  return { passed: truthCheckPassed(c), rowsCompared: c.rowsCompared, differences: c.differences.length, firstDifferences: c.differences.slice(0, 5), rawEvents: c.rawEvents, rejected: c.rejected };
}

function safe(f: () => string): string | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** The human-readable summary (stdout): the BENCHMARKS.md table is copied from it. */
function printReport(r: Record<string, any>): void {
  const c = r.ceilings;
  const ratio = (n: number, d?: number) => (d ? `${((n / d) * 100).toFixed(0)}%` : '–');
  const lines: string[] = [];
  lines.push(`\nPipeline benchmark ${r.runId}: ${r.records} records (${r.period.from} … ${r.period.to}), load ${r.machine.loadAtStart} → ${r.loadAtEnd}`);
  if (c) lines.push(`ceilings (record ${c.recordSize} B): java producer ${c.javaProduce}/s, java consumer ${c.javaConsume}/s, kafkajs producer ${c.kafkajsProduce}/s, kafkajs eachBatch+JSON.parse ${c.kafkajsConsumeParse}/s`);
  lines.push('| stage | events/s | vs java producer | vs kafkajs producer | vs kafkajs consumer | peak RSS |');
  lines.push('|---|---:|---:|---:|---:|---:|');
  const row = (name: string, rate: number, rss?: number) =>
    lines.push(`| ${name} | ${rate} | ${ratio(rate, c?.javaProduce)} | ${ratio(rate, c?.kafkajsProduce)} | ${ratio(rate, c?.kafkajsConsumeParse)} | ${rss ? `${rss} MB` : ''} |`);
  if (r.produce) row('produce (simulator, file → broker)', r.produce.perSecond);
  if (r.staged) {
    row('ingest alone', r.staged.ingest.perSecond, r.staged.ingest.peakRssMb);
    row('aggregator alone', r.staged.aggregator.perSecond, r.staged.aggregator.peakRssMb);
  }
  if (r.whole) {
    row('whole: ingest', r.whole.ingest.perSecond, r.whole.peakRssMb.ingest);
    row('whole: aggregator (→ PostgreSQL)', r.whole.aggregator.perSecond, r.whole.peakRssMb.aggregator);
    row('whole: end to end (→ Redis)', r.whole.endToEndRedis.perSecond);
    lines.push(`whole: last event in PostgreSQL after ${r.whole.endToEndPostgres.seconds} s, in Redis after ${r.whole.endToEndRedis.seconds} s; peak RSS ${JSON.stringify(r.whole.peakRssMb)}`);
    const lag = r.whole.lag as LagSample[];
    lines.push(`ingest lag     ${sparkline(lag.map((s) => s.ingestLag))} max ${Math.max(0, ...lag.map((s) => s.ingestLag))}`);
    lines.push(`aggregator lag ${sparkline(lag.map((s) => s.aggregatorLag))} max ${Math.max(0, ...lag.map((s) => s.aggregatorLag))}`);
    lines.push(`ground truth: staged ${JSON.stringify(r.staged?.groundTruth?.passed)}, whole ${JSON.stringify(r.whole.groundTruth.passed)} (${r.whole.groundTruth.rowsCompared} unit-days, ${r.whole.groundTruth.differences} differences)`);
  }
  if (r.naive) lines.push(`naive baseline (${r.naive.records} records): ${r.naive.perSecond}/s, peak RSS ${r.naive.peakRssMb} MB → pipeline ÷ naive = ${r.naive.ratio}×`);
  for (const f of r.freshness ?? []) lines.push(`freshness at ${f.rate}/s: p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms (${f.seen}/${f.markers} markers)`);
  for (const [app, frames] of Object.entries(r.staged?.profiles ?? {})) {
    if (!frames) continue;
    lines.push(`top self-time frames, ${app}:`);
    for (const f of frames as { frame: string; selfPercent: number }[]) lines.push(`  ${String(f.selfPercent).padStart(5)}%  ${f.frame}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
