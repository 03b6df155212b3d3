import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Days of feed, ending yesterday (local). Default 92: one province-quarter. */
  days: number;
  rateScale: number;
  /** If set, the rate scale is chosen so the file holds about this many records. */
  events?: number;
  seed: number;
  naiveEvents: number;
  freshnessSeconds: number;
  freshnessRates: number[];
  ceilings: boolean;
  naive: boolean;
  freshness: boolean;
  /** Apps to run under `node --cpu-prof` during their isolated stage. */
  profile: string[];
  keep: boolean;
  /** Whole runs (each followed by the Kafka Streams baseline): the report gives the median. */
  runs: number;
  /** Run the Kafka Streams baseline (../shared/peers/kstreams) on the same records, when present. */
  baseline: boolean;
  /** A built tree (`dist/`) of another commit, run as the "before" pipeline beside this one. */
  before?: string;
  /** `all`: the national catalogue (3,321 communes and 34 provincial centres) at national volume. */
  province: string;
  /** Skip the stage-by-stage run (ingest alone, then the aggregator alone). */
  staged: boolean;
  /**
   * Whole runs on a backlog (the file in the topic before the apps start, as the Kafka Streams
   * baseline is measured: a replay of history) unless `--live` (produced while the apps run).
   */
  backlog: boolean;
  /** Aggregator processes in each whole run, one consumer group (PRODUCT.md: scale out by instances). Default 1. */
  aggregators: number;
  /**
   * Seconds after the other apps that the second and later aggregators start (a scale-out while
   * the first one consumes); 0: all at once. Needs `--aggregators` 2 or more.
   */
  scaleOutAfterSeconds: number;
  /** On a server with autovacuum off, vacuum the run's database as autovacuum would (AutovacuumStandIn); `--no-vacuum` turns it off. */
  vacuum: boolean;
}

export const BENCH_USAGE = `Usage: npm run bench -- [options]
  --days N            days of feed ending yesterday (default 92, one province-quarter)
  --events N          scale the feed's volume so the file holds about N records
  --rate-scale X      multiply the calibrated volume (default 1)
  --quick             smoke run: 14 days (~100k records), 10 s per freshness rate, 5k naive events
  --seed N            simulator seed (default 86)
  --naive-events N    slice size of the naive baseline (default 20000)
  --freshness-seconds N  seconds per steady rate (default 20); --freshness-rates 500,5000
  --no-ceilings --no-naive --no-freshness   skip a part
  --profile ingest,aggregator   run those apps under --cpu-prof in their isolated stage
  --keep              keep the database, topics and files for inspection
  --runs N            whole runs, each followed by the Kafka Streams baseline (default 3; --quick 1); medians reported
  --no-baseline       skip the Kafka Streams baseline (../shared/peers/kstreams)
  --no-staged         skip the stage-by-stage run
  --before DIR        the dist/ of another commit, run as the "before" pipeline in the same run, the two builds
                      in alternating order (scripts/build-before.sh)
  --live              whole runs with the file produced while the apps run (default: on a backlog, the file
                      in the topic before the apps start, as the Kafka Streams baseline is measured)
  --aggregators N     aggregator processes per whole run, in one consumer group (default 1)
  --scale-out-after S start the second and later aggregators S seconds after the other apps: a scale-out while
                      the first one consumes (needs --aggregators 2 or more)
  --national          the national catalogue (3,321 communes) at 27× the province's volume; size it with --days
  --no-vacuum         on a server with autovacuum off, do not stand in for it (default: the bench vacuums and
                      analyzes the run's database at autovacuum's naptime and thresholds)
`;

/** Records per dossier-day at rate scale 1, measured on a quarter (696,439 lines over 92 days). */
export const RECORDS_PER_DAY_AT_SCALE_1 = 696_439 / 92;
/** PRODUCT.md: 34 provinces, "a nation is 27× a province". */
export const NATIONAL_VOLUME_FACTOR = 27;

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      days: { type: 'string' },
      events: { type: 'string' },
      'rate-scale': { type: 'string' },
      quick: { type: 'boolean' },
      seed: { type: 'string' },
      'naive-events': { type: 'string' },
      'freshness-seconds': { type: 'string' },
      'freshness-rates': { type: 'string' },
      'no-ceilings': { type: 'boolean' },
      'no-naive': { type: 'boolean' },
      'no-freshness': { type: 'boolean' },
      profile: { type: 'string' },
      keep: { type: 'boolean' },
      runs: { type: 'string' },
      'no-baseline': { type: 'boolean' },
      'no-staged': { type: 'boolean' },
      before: { type: 'string' },
      national: { type: 'boolean' },
      live: { type: 'boolean' },
      aggregators: { type: 'string' },
      'scale-out-after': { type: 'string' },
      'no-vacuum': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) return 'help';
  const num = (raw: string | undefined, fallback: number, name: string): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
    return n;
  };
  const quick = !!v.quick;
  const days = Math.round(num(v.days, quick ? 14 : 92, 'days'));
  const events = v.events === undefined ? undefined : Math.round(num(v.events, 0, 'events'));
  const national = !!v.national;
  const aggregators = Math.round(num(v.aggregators, 1, 'aggregators'));
  const scaleOutAfterSeconds = num(v['scale-out-after'], 0, 'scale-out-after');
  if (v['scale-out-after'] !== undefined && aggregators < 2) throw new Error('--scale-out-after needs --aggregators 2 or more: nobody would join later');
  // A nation is 27× a province (PRODUCT.md): the national catalogue at 27× the calibrated volume.
  const perDay = RECORDS_PER_DAY_AT_SCALE_1 * (national ? NATIONAL_VOLUME_FACTOR : 1);
  const rateScale = events !== undefined ? events / (perDay * days) : num(v['rate-scale'], 1, 'rate-scale') * (national ? NATIONAL_VOLUME_FACTOR : 1);
  return {
    days,
    rateScale,
    events,
    seed: Math.round(num(v.seed, 86, 'seed')),
    naiveEvents: Math.round(num(v['naive-events'], quick ? 5_000 : 20_000, 'naive-events')),
    freshnessSeconds: num(v['freshness-seconds'], quick ? 10 : 20, 'freshness-seconds'),
    freshnessRates: (v['freshness-rates'] ?? '500,5000').split(',').map((s) => num(s, 0, 'freshness-rates')),
    ceilings: !v['no-ceilings'],
    naive: !v['no-naive'],
    freshness: !v['no-freshness'],
    profile: v.profile ? v.profile.split(',') : [],
    keep: !!v.keep,
    // --runs 0: the staged run alone (each app's own rate), e.g. to compare one change.
    runs: v.runs === '0' ? 0 : Math.round(num(v.runs, quick ? 1 : 3, 'runs')),
    baseline: !v['no-baseline'],
    before: v.before,
    province: national ? 'all' : '86',
    staged: !v['no-staged'],
    backlog: !v.live,
    aggregators,
    scaleOutAfterSeconds,
    vacuum: !v['no-vacuum'],
  };
}

/**
 * The builds of whole run `i` in the order they run: with a before build, before first in the
 * even runs and this build first in the odd ones. The bench's broker is still compiling (JIT)
 * through its first runs — 3.4, 2.9 then 1.6 s of its CPU in three consecutive quarters
 * (BENCHMARKS.md) —, so a fixed order charged that to the before build every time.
 */
export function wholeRunOrder(i: number, withBefore: boolean): ('before' | 'this build')[] {
  if (!withBefore) return ['this build'];
  return i % 2 === 0 ? ['before', 'this build'] : ['this build', 'before'];
}
