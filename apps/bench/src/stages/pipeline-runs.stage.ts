import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Redis from 'ioredis';
import type { Kafka } from 'kafkajs';
import { AutovacuumStandIn, type StandInWork } from '../autovacuum-stand-in';
import type { AppProcess } from '../app-process';
import type { BenchOptions } from '../bench-args';
import { BenchEnv, DIST_ROOT, appScript } from '../bench-env';
import {
  Sampler,
  type StageResult,
  connectAdmin,
  expectedRolling30,
  log,
  redisRolling30,
  round,
  serviceCpuSeconds,
  serviceCpuSince,
  stage,
  storedAggregatorOffsets,
  waitForGroups,
  waitUntil,
} from '../bench-kit';
import { type ProfileSummary, costByArea, describeProfile, topFramesBySelfTime } from '../cpuprofile-summary';
import { PostgresCpuByClient } from '../postgres-cpu-by-client';
import { PROFILE_AREAS } from '../profile-areas';
import { type SnapshotRegressions, countSnapshotRegressions } from '../snapshot-regressions';
import { type TruthCheck, checkAgainstGroundTruth, truthCheckPassed } from '../ground-truth-check';
import { type LagSample, groupLag } from '../lag-sampler';
import { type StatementCost, StatementStats } from '../pg-statements';
import type { Feed } from './generate.stage';

const run = promisify(execFile);

/** What every pipeline run needs: the options, the broker, Redis, the feed and where logs go. */
export interface RunContext {
  opts: BenchOptions;
  kafka: Kafka;
  redis: Redis;
  feed: Feed;
  work: string;
  logDir: string;
  /** The live snapshot hashes to read: one per province of the catalogue. */
  provinces: string[];
}

export function summarise(c: TruthCheck) {
  return { passed: truthCheckPassed(c), rowsCompared: c.rowsCompared, differences: c.differences.length, firstDifferences: c.differences.slice(0, 5), rawEvents: c.rawEvents, rejected: c.rejected };
}

const apiPort = () => 3900 + Math.floor(Math.random() * 90);

function pipelineEnv(ctx: RunContext, distRoot = DIST_ROOT): BenchEnv {
  return new BenchEnv(ctx.kafka, ctx.logDir, apiPort(), distRoot, { PROVINCE_CODE: ctx.opts.province, TOPIC_REPLICATION_FACTOR: '1', TOPIC_MIN_INSYNC_REPLICAS: '1' });
}

async function produceFile(env: BenchEnv, file: string): Promise<{ records: number; ms: number; perSecond: number }> {
  const { stdout } = await run(process.execPath, [appScript('simulator'), 'produce', '--file', file, '--topic', env.env.TOPIC_EVENTS!], { env: env.env, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { records: number; ms: number; perSecond: number };
}

function profileArgs(opts: BenchOptions, app: string, dir: string): string[] {
  if (!opts.profile.includes(app)) return [];
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, '-r', join(DIST_ROOT, 'apps/bench/src/profile-preload.js')];
}

async function stopProfiled(p: AppProcess, dir: string, top = 15): Promise<ProfileSummary | undefined> {
  await p.stop('SIGUSR2');
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return undefined;
  const file = join(dir, files.sort().pop()!);
  return { top: topFramesBySelfTime(file, top), ...costByArea(file, PROFILE_AREAS[p.name] ?? []) };
}

async function waitForRedis(ctx: RunContext, env: BenchEnv): Promise<number> {
  const expected = JSON.stringify(expectedRolling30(ctx.feed.truth, Date.now()));
  return waitUntil('Redis to reflect the counters', async () => JSON.stringify(await redisRolling30(ctx.redis, env.env.REDIS_KEY_PREFIX!, ctx.provinces)) === expected, 300_000, 100);
}

type ServiceCpu = ReturnType<typeof serviceCpuSeconds>;

/** What the staged run measured (stage 3), as the results file keeps it. */
export interface StagedRun {
  produce: { records: number; ms: number; perSecond: number; load: number };
  /**
   * `servicesCpuSeconds`: PostgreSQL's and the broker's CPU from the app's start to the end of its
   * stage (the aggregator's until Redis agrees): what each hop costs them, since nothing else runs.
   */
  ingest: StageResult & { cpuSeconds: number; servicesCpuSeconds: ServiceCpu; peakRssMb: number };
  aggregator: StageResult & { cpuSeconds: number; servicesCpuSeconds: ServiceCpu; peakRssMb: number; redisAfterPgMs: number };
  validatedRecords: number;
  groundTruth: ReturnType<typeof summarise>;
  lag: LagSample[];
  profiles: Record<'ingest' | 'aggregator', ProfileSummary | undefined>;
  load: number;
}

/**
 * Stage 3: the file produced with nobody consuming, then ingest alone until it has committed the
 * whole topic, then the aggregator alone until its stored offsets reach the end of the validated
 * topic and Redis agrees with the ground truth. Each app's own rate, CPU and memory.
 */
export async function runStaged(ctx: RunContext): Promise<StagedRun> {
  const { opts, feed } = ctx;
  const env = pipelineEnv(ctx);
  // Admin clients per run: a kafkajs admin keeps refreshing metadata of every topic it has
  // seen, and hangs on one that was deleted; each run's topics die with its clients.
  const admin = await connectAdmin(ctx.kafka);
  const samplerAdmin = await connectAdmin(ctx.kafka);
  try {
    await env.provision();
    log(`staged run ${env.id}: producing the file`);
    const produced = await produceFile(env, feed.file);
    log(`produce (simulator, ${produced.records} records): ${produced.perSecond}/s`);

    const sampler = new Sampler(samplerAdmin, env);
    sampler.start();
    const profDir = join(ctx.work, 'prof');
    const servicesBeforeIngest = serviceCpuSeconds();
    const ingest = env.start('ingest', profileArgs(opts, 'ingest', join(profDir, 'ingest')));
    let firstIngest = 0;
    const ingestDone = await waitUntil(
      'ingest to consume the file',
      async () => {
        const l = await groupLag(admin, env.env.INGEST_GROUP_ID!, env.env.TOPIC_EVENTS!);
        if (l.committed > 0 && firstIngest === 0) firstIngest = Date.now();
        return l.committed >= feed.records;
      },
      3_600_000,
      100,
    );
    ingest.sample();
    const ingestServices = serviceCpuSince(servicesBeforeIngest);
    const ingestStage = stage(feed.records, firstIngest, ingestDone);
    const ingestCpu = ingest.cpuSeconds;
    log(`ingest alone: ${ingestStage.perSecond}/s`);
    const ingestProfile = opts.profile.includes('ingest') ? await stopProfiled(ingest, join(profDir, 'ingest')) : undefined;

    const validated = await groupLag(admin, env.env.AGGREGATOR_GROUP_ID!, env.env.TOPIC_VALIDATED!);
    const servicesBeforeAggregator = serviceCpuSeconds();
    const aggregator = env.start('aggregator', profileArgs(opts, 'aggregator', join(profDir, 'aggregator')));
    let firstAgg = 0;
    const aggDone = await waitUntil(
      'the aggregator to apply the validated topic',
      async () => {
        const n = await storedAggregatorOffsets(env);
        if (n > 0 && firstAgg === 0) firstAgg = Date.now();
        return n >= validated.end;
      },
      3_600_000,
      100,
    );
    const aggStage = stage(await forwardedEvents(env), firstAgg, aggDone);
    aggregator.sample();
    const aggCpu = aggregator.cpuSeconds;
    log(`aggregator alone: ${aggStage.perSecond}/s`);
    const redisDone = await waitForRedis(ctx, env);
    const aggregatorServices = serviceCpuSince(servicesBeforeAggregator);
    const aggregatorProfile = opts.profile.includes('aggregator') ? await stopProfiled(aggregator, join(profDir, 'aggregator')) : undefined;
    sampler.stop();
    env.sampleAll();
    const check = await checkAgainstGroundTruth(env, feed.truth);
    log(`staged run ground truth: ${JSON.stringify(summarise(check))}`);
    return {
      produce: { ...produced, load: loadavg()[0] },
      ingest: { ...ingestStage, cpuSeconds: ingestCpu, servicesCpuSeconds: ingestServices, peakRssMb: round(ingest.peakRssKb / 1024) },
      aggregator: { ...aggStage, cpuSeconds: aggCpu, servicesCpuSeconds: aggregatorServices, peakRssMb: round(aggregator.peakRssKb / 1024), redisAfterPgMs: redisDone - aggDone },
      validatedRecords: validated.end,
      groundTruth: summarise(check),
      lag: sampler.samples,
      profiles: { ingest: ingestProfile, aggregator: aggregatorProfile },
      load: loadavg()[0],
    };
  } finally {
    await admin.disconnect();
    await samplerAdmin.disconnect();
    await (opts.keep ? env.stopApps() : env.destroy());
  }
}

export interface WholeRun {
  label: string;
  /** `backlog`: the file is in the topic before the apps start (how the baseline is measured); `live`: produced while they run. */
  mode: 'backlog' | 'live';
  produce: { perSecond: number; simulatorReported: number };
  ingest: StageResult;
  aggregator: StageResult;
  endToEndPostgres: StageResult;
  endToEndRedis: StageResult;
  peakRssMb: Record<string, number>;
  /** CPU seconds of each app (start-up excluded), and of PostgreSQL and the broker during the run: where the time went. */
  cpuSeconds: Record<string, number>;
  /** PostgreSQL's part of `cpuSeconds` by client app or background process (PostgresCpuByClient). */
  postgresCpuByClient: Record<string, number>;
  /** CPU microseconds per record, all of it (apps, PostgreSQL, broker): the machine's cost of one event. */
  cpuMicrosPerRecord: number;
  groundTruth: ReturnType<typeof summarise>;
  lag: LagSample[];
  load: number;
  /** PostgreSQL size of the run's database after it, and per million records. */
  databaseMb: number;
  databaseMbPerMillion: number;
  /**
   * How often a unit's published snapshot carried fewer receipts than its last one over the same
   * days (SnapshotRegressionCounter), read from `tthc.metrics.units` once the run and its
   * freshness phases are over: older figures published after newer ones.
   */
  snapshotRegressions?: SnapshotRegressions;
  /** PostgreSQL's executor time by statement, when the server has pg_stat_statements loaded. */
  statements?: StatementCost[];
  /** What the bench vacuumed or analyzed in the run's database for a server without autovacuum (AutovacuumStandIn), through the freshness phases. */
  autovacuum?: StandInWork[];
}

/**
 * Stage 4: the whole pipeline, the four apps running as separate processes from `distRoot`, on the
 * file: already in the topic when they start (`--backlog`, the default) or produced while they run (`--live`). `then` runs on the live pipeline before it is torn down (freshness, the
 * naive baseline, the Kafka Streams baseline on the same events topic).
 */
export async function runWhole(ctx: RunContext, label: string, distRoot: string, then?: (env: BenchEnv, apiBase: string) => Promise<void>): Promise<{ run: WholeRun; passed: boolean }> {
  const { feed, opts } = ctx;
  const env = pipelineEnv(ctx, distRoot);
  const admin = await connectAdmin(ctx.kafka);
  const samplerAdmin = await connectAdmin(ctx.kafka);
  let standIn: AutovacuumStandIn | undefined;
  let postgresByClient: PostgresCpuByClient | undefined;
  try {
    await env.provision();
    // Apps named in --profile that have no stage of their own (notifier, api) are profiled here.
    const profDir = join(ctx.work, 'prof-whole');
    const profiled = (name: string) => ['notifier', 'api'].includes(name) && opts.profile.includes(name);
    const apiBase = `http://127.0.0.1:${env.env.API_PORT}`;
    // A second aggregator is `aggregator-2`: its own log, CPU and RSS, the same app and consumer group.
    const aggregators = Array.from({ length: opts.aggregators }, (_, i) => ({ name: i === 0 ? 'aggregator' : `aggregator-${i + 1}`, app: 'aggregator' }));
    // --scale-out-after: those join the group later, while the first one consumes.
    const joiningLater = opts.scaleOutAfterSeconds > 0 ? aggregators.slice(1) : [];
    const startApps = async () => {
      const processes = [{ name: 'ingest', app: 'ingest' }, ...aggregators.filter((a) => !joiningLater.includes(a)), { name: 'notifier', app: 'notifier' }, { name: 'api', app: 'api' }];
      const started = processes.map(({ name, app }) => env.start(name, profiled(name) ? profileArgs(opts, name, join(profDir, name)) : [], {}, appScript(app, env.distRoot)));
      await waitForGroups(admin, [env.env.INGEST_GROUP_ID!, env.env.AGGREGATOR_GROUP_ID!]);
      await waitUntil('the api to be healthy', async () => (await fetch(`${apiBase}/api/v1/health`)).ok, 60_000, 250);
      return started;
    };
    let scaledOut = false;
    /** Starts `joiningLater` at `at` (epoch ms), counted with the other apps from then on; a run over before that never starts them. */
    const scaleOutAt = (at: number) => {
      if (joiningLater.length === 0) return () => {};
      const timer = setTimeout(
        () => {
          for (const { name, app } of joiningLater) {
            apps.push(env.start(name, [], {}, appScript(app, env.distRoot)));
            appsBefore.push(0);
            log(`whole "${label}": ${name} started (scale-out)`);
          }
          scaledOut = true;
        },
        Math.max(0, at - Date.now()),
      );
      return () => clearTimeout(timer);
    };
    const statementStats = await StatementStats.start(env);
    const sampler = new Sampler(samplerAdmin, env);
    let apps: AppProcess[];
    let appsBefore: number[];
    let servicesBefore: { postgres: number; kafka: number };
    let t0: number;
    let produced: { perSecond: number };
    let producedAt: number;
    if (opts.backlog) {
      // A replay of history, as the Kafka Streams baseline is measured: the events are in the
      // topic before the apps start, and the clock and every CPU counter start with the apps
      // (their start-up and group joins included), so nothing else competes for the two cores.
      produced = await produceFile(env, feed.file);
      producedAt = Date.now();
      log(`whole run "${label}" ${env.id}: file produced; starting the apps on the backlog`);
      servicesBefore = serviceCpuSeconds();
      t0 = Date.now();
      if (opts.vacuum) standIn = await AutovacuumStandIn.start(env.env.DATABASE_URL!);
      postgresByClient = await PostgresCpuByClient.start(env.env.DATABASE_URL!);
      sampler.start();
      apps = await startApps();
      appsBefore = apps.map(() => 0);
    } else {
      apps = await startApps();
      log(`whole run "${label}" ${env.id}: apps up; producing the file`);
      sampler.start();
      servicesBefore = serviceCpuSeconds();
      if (opts.vacuum) standIn = await AutovacuumStandIn.start(env.env.DATABASE_URL!);
      postgresByClient = await PostgresCpuByClient.start(env.env.DATABASE_URL!);
      // CPU from here on: start-up (Nest, module loading) is not the cost of the records.
      appsBefore = apps.map((p) => (p.sample(), p.cpuSeconds));
      t0 = Date.now();
      produced = await produceFile(env, feed.file);
      producedAt = Date.now();
    }
    const cancelScaleOut = scaleOutAt(t0 + opts.scaleOutAfterSeconds * 1000);
    const ingestDone = await waitUntil('ingest to consume the file', async () => (await groupLag(admin, env.env.INGEST_GROUP_ID!, env.env.TOPIC_EVENTS!)).committed >= feed.records, 3_600_000, 100);
    log(`whole "${label}": ingest done after ${((ingestDone - t0) / 1000).toFixed(1)} s`);
    const validatedEnd = (await groupLag(admin, env.env.AGGREGATOR_GROUP_ID!, env.env.TOPIC_VALIDATED!)).end;
    const pgDone = await waitUntil('the aggregator to apply everything', async () => (await storedAggregatorOffsets(env)) >= validatedEnd, 3_600_000, 100);
    log(`whole "${label}": aggregator done after ${((pgDone - t0) / 1000).toFixed(1)} s`);
    cancelScaleOut();
    if (joiningLater.length && !scaledOut) log(`whole "${label}": over before the scale-out at ${opts.scaleOutAfterSeconds} s; nobody joined`);
    const redisDone = await waitForRedis(ctx, env);
    const servicesAfter = serviceCpuSeconds();
    const postgresCpuByClient = (await postgresByClient?.stop()) ?? {};
    // Before the ground-truth check's own queries.
    const statements = await statementStats?.top();
    sampler.stop();
    env.sampleAll();
    const cpuSeconds: Record<string, number> = Object.fromEntries(apps.map((p, i) => [p.name, Math.round((p.cpuSeconds - appsBefore[i]) * 100) / 100]));
    cpuSeconds.postgres = Math.round((servicesAfter.postgres - servicesBefore.postgres) * 100) / 100;
    cpuSeconds.kafka = Math.round((servicesAfter.kafka - servicesBefore.kafka) * 100) / 100;
    const check = await checkAgainstGroundTruth(env, feed.truth);
    const [size] = await env.sql<{ bytes: string }>(`SELECT pg_database_size(current_database())::text AS bytes`);
    const databaseMb = Number(size.bytes) / 2 ** 20;
    const run: WholeRun = {
      label,
      mode: opts.backlog ? 'backlog' : 'live',
      produce: { perSecond: opts.backlog ? produced.perSecond : round((feed.records * 1000) / (producedAt - t0)), simulatorReported: produced.perSecond },
      ingest: stage(feed.records, t0, ingestDone),
      aggregator: stage(await forwardedEvents(env), t0, pgDone),
      endToEndPostgres: stage(feed.records, t0, pgDone),
      endToEndRedis: stage(feed.records, t0, redisDone),
      peakRssMb: Object.fromEntries(apps.map((p) => [p.name, round(p.peakRssKb / 1024)])),
      cpuSeconds,
      postgresCpuByClient,
      cpuMicrosPerRecord: round((Object.values(cpuSeconds).reduce((a, b) => a + b, 0) * 1e6) / feed.records),
      groundTruth: summarise(check),
      lag: sampler.samples,
      load: loadavg()[0],
      databaseMb: round(databaseMb),
      databaseMbPerMillion: round((databaseMb * 1e6) / feed.records),
      statements,
      // The same array: what it does during the freshness phases shows too.
      autovacuum: standIn?.work,
    };
    for (const p of apps.filter((a) => profiled(a.name))) {
      const profile = await stopProfiled(p, join(profDir, p.name), 25);
      if (profile) log(`${p.name}, whole run:\n${describeProfile(p.name, profile).join('\n')}`);
    }
    log(`whole "${label}": ${JSON.stringify({ ...run, lag: undefined })}`);
    if (then) {
      // What autovacuum would have done by now, done before the freshness phases and not during them.
      await standIn?.catchUp();
      await then(env, apiBase);
    }
    run.snapshotRegressions = await countSnapshotRegressions(ctx.kafka, env.env.TOPIC_UNIT_METRICS!, `bench-${env.id}-regressions`);
    const { snapshots, units, wentBack, first } = run.snapshotRegressions;
    log(`whole "${label}": unit snapshots whose receipts went back: ${JSON.stringify(wentBack)} of ${snapshots} (${units} units)${first.length ? `; first: ${JSON.stringify(first)}` : ''}`);
    return { run, passed: truthCheckPassed(check) };
  } finally {
    await standIn?.stop();
    await postgresByClient?.stop();
    await admin.disconnect();
    await samplerAdmin.disconnect();
    await (opts.keep ? env.stopApps() : env.destroy());
  }
}

/**
 * The events ingest forwarded (one per row of the raw log): what the aggregator applies. Not the
 * validated topic's record count, which is smaller since ingest bundles a batch's events per unit.
 */
async function forwardedEvents(env: BenchEnv): Promise<number> {
  const [row] = await env.sql<{ n: number }>(`SELECT count(*)::int AS n FROM raw_events`);
  return row.n;
}
