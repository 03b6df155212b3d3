import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Partitioners } from 'kafkajs';
import { loadUnitCatalogue } from '@tthc/catalogue';
import { createKafka } from '@tthc/messaging';
import { createLogger } from '@tthc/platform';
import { BENCH_USAGE, parseBenchArgs, wholeRunOrder } from './bench-args';
import { ensureBroker } from './bench-broker';
import { DIST_ROOT } from './bench-env';
import { log, phaseCpuSeconds } from './bench-kit';
import { type FreshnessResult, measureFreshness } from './freshness';
import { unitMetricsProbe, validatedTopicProbe } from './freshness-probes';
import { type BenchResults, printReport } from './report';
import { measureCeilings } from './stages/ceilings.stage';
import { generateFeed, loadMessages } from './stages/generate.stage';
import { baselineAvailable, runKstreamsBaseline } from './stages/kstreams-baseline.stage';
import { runNaive } from './stages/naive.stage';
import { type RunContext, runStaged, runWhole } from './stages/pipeline-runs.stage';

/**
 * `npm run bench` (issues 6 and 12): a period of the calibrated feed with its ground truth; the
 * broker's and kafkajs' ceilings for that record size; the pipeline stage by stage and as a whole
 * (all four apps, the file produced while they run), N times; after each whole run, the Kafka
 * Streams baseline on the same records; optionally another commit's build ("before") in the
 * same run; freshness of GET /metrics/live under steady load; the naive baseline. Every
 * pipeline run and every baseline run is checked against the ground truth: exit 1 on any
 * difference.
 */
async function main(): Promise<number> {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  const opts = parsed;
  const broker = ensureBroker();
  const runId = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const work = resolve(process.cwd(), '.cache/bench', runId);
  const logDir = join(work, 'logs');
  mkdirSync(logDir, { recursive: true });

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAtStart: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    kafka: '3.9.1 (KRaft, single broker, same machine)',
    postgres: safe(() => execSync(`psql -h 127.0.0.1 -U postgres -tAc 'show server_version'`, { encoding: 'utf8' }).trim()),
    redis: safe(() => execSync(`redis-cli -h 127.0.0.1 INFO server | grep redis_version`, { encoding: 'utf8' }).trim()),
  };
  const fs = statfsSync(work);
  const freeGb = (fs.bavail * fs.bsize) / 2 ** 30;
  const needGb = ((opts.events ?? 7_570 * opts.days * opts.rateScale) * 330 * 8) / 2 ** 30; // file + topics + raw logs
  log(`machine: ${JSON.stringify(machine)}; free disk ${freeGb.toFixed(1)} GB, need ~${needGb.toFixed(1)} GB`);
  if (freeGb < needGb + 5) throw new Error(`not enough free disk: ${freeGb.toFixed(1)} GB`);

  const feed = await generateFeed(opts, join(work, 'data'));
  const kafka = createKafka(broker.brokers, `bench-${runId}`, createLogger('bench', 'error'));
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const provinces = [...new Set(loadUnitCatalogue(opts.province).map((u) => u.provinceCode))];
  const ctx: RunContext = { opts, kafka, redis, feed, work, logDir, provinces };
  const results: BenchResults = { runId, machine, options: { ...opts }, period: { from: feed.from, to: feed.to }, records: feed.records, whole: [], before: [], baseline: [] };
  let exitCode = 0;
  const fail = (why: string) => {
    log(`FAILED: ${why}`);
    exitCode = 1;
  };

  try {
    const messages = opts.ceilings || opts.naive ? loadMessages(feed.file) : [];
    if (opts.ceilings) {
      results.ceilings = { ...(await measureCeilings(kafka, broker.brokers, runId, messages)) };
      log(`ceilings: ${JSON.stringify(results.ceilings)}`);
    }
    const naiveSlice = messages.slice(0, opts.naiveEvents);
    messages.length = 0;

    if (opts.staged) {
      results.staged = await runStaged(ctx);
      if (!results.staged.groundTruth.passed) fail('the staged run differs from the ground truth');
    }

    // Whole runs, alternating builds so the machine's drift spreads over both; the baseline
    // runs after each of this build's, on that run's events topic, while nothing else runs.
    // Which build goes first alternates too (wholeRunOrder): the broker's JIT is still
    // compiling through the first runs, and the first of a pair paid for it.
    const withBaseline = opts.baseline && baselineAvailable();
    if (opts.baseline && !withBaseline) log('kstreams baseline: ../shared/peers/kstreams/run.sh not found; skipped');
    for (let i = 0; i < opts.runs; i++) {
      const last = i === opts.runs - 1;
      const runBefore = async (before: string) => {
        // Freshness of the other build too, on its last run: before and after under the same load.
        const b = await runWhole(ctx, 'before', resolve(before), async (env, apiBase) => {
          if (opts.freshness && last) results.freshnessBefore = await freshness(ctx, env.env, apiBase, runId);
        });
        results.before.push(b.run);
        if (!b.passed) fail(`before run ${i + 1} differs from the ground truth`);
      };
      const runThis = async () => {
        const w = await runWhole(ctx, 'this build', DIST_ROOT, async (env, apiBase) => {
          if (withBaseline) {
            const base = await runKstreamsBaseline(broker.brokers, env.env.TOPIC_EVENTS!, feed.records, feed.truth, opts.province, work);
            results.baseline.push(base);
            if (!base.exact) fail(`kstreams baseline run ${i + 1} differs from the ground truth`);
          }
          if (!last) return;
          if (opts.freshness) results.freshness = await freshness(ctx, env.env, apiBase, runId);
          if (opts.naive) {
            results.naive = { ...(await runNaive(env, naiveSlice)) };
            log(`naive: ${JSON.stringify(results.naive)}`);
          }
        });
        results.whole.push(w.run);
        if (!w.passed) fail(`whole run ${i + 1} differs from the ground truth`);
      };
      for (const build of wholeRunOrder(i, !!opts.before)) await (build === 'before' ? runBefore(opts.before!) : runThis());
    }
    // The naive baseline ran on the last whole run's database: pipeline ÷ naive from that run.
    if (results.naive) results.naive.ratio = Math.round((results.whole[results.whole.length - 1].endToEndPostgres.perSecond / results.naive.perSecond) * 10) / 10;
  } finally {
    await redis.quit();
    results.loadAtEnd = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    mkdirSync(resolve(process.cwd(), 'bench-results'), { recursive: true });
    const out = resolve(process.cwd(), 'bench-results', `pipeline-${runId}.json`);
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    if (!opts.keep) rmSync(feed.dir, { recursive: true, force: true });
    log(`results written to ${out}`);
    broker.stop();
  }
  printReport(results);
  return exitCode;
}

/** Stage 5: freshness of GET /metrics/live under steady load, on the running pipeline. */
async function freshness(ctx: RunContext, env: Record<string, string | undefined>, apiBase: string, runId: string): Promise<FreshnessResult[]> {
  const topic = env.TOPIC_EVENTS!;
  const catalogue = loadUnitCatalogue(ctx.opts.province);
  const units = catalogue.map((u) => u.code);
  const producer = ctx.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const out: FreshnessResult[] = [];
  const markerUnit = units[units.length - 1];
  // Where the time goes: the same markers seen on the validated topic and in the published snapshots.
  const probes = await Promise.all([validatedTopicProbe(ctx.kafka, env.TOPIC_VALIDATED!, markerUnit), unitMetricsProbe(ctx.kafka, env.TOPIC_UNIT_METRICS!, markerUnit)]);
  try {
    for (const rate of ctx.opts.freshnessRates) {
      log(`freshness at ${rate}/s for ${ctx.opts.freshnessSeconds} s`);
      const cpuBefore = phaseCpuSeconds();
      const startedAt = Date.now();
      const measured = await measureFreshness({
        producer,
        topic,
        apiBase,
        apiKey: 'local-ioc-key',
        markerUnit,
        markerProvince: ctx.opts.province === 'all' ? catalogue[catalogue.length - 1].provinceCode : undefined,
        loadUnits: units.slice(0, -1),
        rate,
        seconds: ctx.opts.freshnessSeconds,
        runId,
        probes,
      });
      out.push({ ...measured, cpuCores: coresBetween(cpuBefore, phaseCpuSeconds(), Date.now() - startedAt) });
      log(`freshness: ${JSON.stringify(out[out.length - 1])}`);
    }
  } finally {
    await Promise.all([producer.disconnect(), ...probes.map((p) => p.close())]);
  }
  return out;
}

/** CPU seconds per process between two `phaseCpuSeconds` readings, as cores over `wallMs`. */
function coresBetween(before: Record<string, number>, after: Record<string, number>, wallMs: number): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([name, s]) => [name, Math.round(((s - (before[name] ?? 0)) * 1000 * 100) / wallMs) / 100]));
}

function safe(f: () => string): string | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
