import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DOSSIERS_PER_DAY, DossierFeed, type DossierFeedOptions } from '../feed/dossier-feed';
import { DAY_MS } from '../feed/local-time';
import { type GroundTruth, GroundTruthTally } from './ground-truth';
import { DEFAULT_DISORDER, type DisorderOptions, TransportDisorder } from './transport-disorder';

export const EVENTS_FILE = 'events.ndjson';
export const GROUND_TRUTH_FILE = 'ground-truth.json';

export interface PeriodFileOptions {
  seed: number;
  /** First and last local day (Asia/Ho_Chi_Minh), inclusive, `YYYY-MM-DD`. */
  from: string;
  to: string;
  units: DossierFeedOptions['units'];
  dossiersPerDay?: number;
  rateScale?: number;
  outDir: string;
  disorder?: DisorderOptions;
  /** Share of the units whose source speaks contract v2 (default 0: the benchmarks' v1 feed). */
  v2Share?: number;
}

const LOCAL_OFFSET_MS = 7 * 60 * 60 * 1000;
/** Local midnight at the start of `day`, as an instant. */
export const localMidnight = (day: string): number => Date.parse(`${day}T00:00:00.000Z`) - LOCAL_OFFSET_MS;

/** Flush the line buffer to disk about every megabyte. */
const FLUSH_CHARS = 1 << 20;

/**
 * Writes a whole period of the feed as `events.ndjson` (one Kafka record per line:
 * `{"key":…,"value":"<event JSON>"}`, transport disorder included) and `ground-truth.json`
 * (per unit, per local day counters of the clean feed, counted from the dossier model).
 * Only events whose occurredAt falls in the period are in the file, and only they are counted.
 * Streams day by day, so a quarter (~700k records) needs little memory.
 */
export function writePeriodFile(opts: PeriodFileOptions): GroundTruth {
  const start = localMidnight(opts.from);
  const end = localMidnight(opts.to) + DAY_MS;
  if (!(Number.isFinite(start) && Number.isFinite(end)) || end <= start) {
    throw new RangeError(`invalid period ${opts.from} … ${opts.to}`);
  }
  const rateScale = opts.rateScale ?? 1;
  const feed = new DossierFeed({
    seed: opts.seed,
    units: opts.units,
    dossiersPerDay: (opts.dossiersPerDay ?? DEFAULT_DOSSIERS_PER_DAY) * rateScale,
    v2Share: opts.v2Share,
  });

  mkdirSync(opts.outDir, { recursive: true });
  const fd = openSync(join(opts.outDir, EVENTS_FILE), 'w');
  let buffer: string[] = [];
  let buffered = 0;
  const flush = (): void => {
    if (buffer.length === 0) return;
    writeSync(fd, buffer.join(''));
    buffer = [];
    buffered = 0;
  };
  const tally = new GroundTruthTally();
  const disorder = new TransportDisorder(
    opts.seed,
    (r) => {
      const line = `{"key":${JSON.stringify(r.key)},"value":${JSON.stringify(r.value)}}\n`;
      buffer.push(line);
      buffered += line.length;
      if (buffered >= FLUSH_CHARS) flush();
    },
    opts.disorder ?? DEFAULT_DISORDER,
  );
  try {
    for (let t = start; t < end; t += DAY_MS) {
      feed.forEachEventBetween(t, Math.min(t + DAY_MS, end), (event, dossier) => {
        tally.record(event, dossier);
        disorder.push(event.key, event.value, event.at);
      });
    }
    disorder.finish();
    flush();
  } finally {
    closeSync(fd);
  }

  const c = disorder.counts;
  const truth: GroundTruth = {
    seed: opts.seed,
    from: opts.from,
    to: opts.to,
    rateScale,
    timeZone: 'Asia/Ho_Chi_Minh',
    lines: disorder.lines,
    transport: { ...c },
    expected: { rawEvents: c.clean + c.resent, dlq: c.malformed, validated: c.clean + c.resent },
    totals: tally.totals(),
    days: tally.days(),
    v2Share: feed.v2Share,
    indicatorTotals: tally.indicatorTotals(),
  };
  writeFileSync(join(opts.outDir, GROUND_TRUTH_FILE), `${JSON.stringify(truth, null, 1)}\n`);
  return truth;
}
