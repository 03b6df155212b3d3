import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadUnitCatalogue } from '@tthc/catalogue';
import { readCpuSeconds } from '../app-process';
import { DIST_ROOT } from '../bench-env';
import { log, serviceCpuSeconds, serviceCpuSince, tenths } from '../bench-kit';
import { COUNTERS, type GroundTruthFile } from '../ground-truth-check';

/** Where the peer lives (read-only, shared) and where it is built (it writes target/ beside its pom). */
export const KSTREAMS_PEER = resolve(DIST_ROOT, '..', '..', 'shared', 'peers', 'kstreams');
const BUILD_DIR = join(process.env.TTHC_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tthc-monitor'), 'kstreams-peer');

export interface BaselineResult {
  records: number;
  seconds: number;
  perSecond: number;
  /** Its counters against the ground truth, every (unit, day, field) of the period. */
  exact: boolean;
  rowsCompared: number;
  differences: number;
  firstDifferences: string[];
  /**
   * CPU seconds of its JVM (sampled every 200 ms, so up to ~0.4 s short) and of the broker while
   * it ran (the pipeline's apps sit idle beside it), and all of it per record: the figure to set
   * beside the pipeline's `cpuMicrosPerRecord`, since a run on two cores is CPU-bound.
   */
  cpuSeconds: { jvm: number; kafka: number };
  cpuMicrosPerRecord: number;
}

export const baselineAvailable = (): boolean => existsSync(join(KSTREAMS_PEER, 'run.sh'));

/**
 * The Kafka Streams implementation of the same counters (../shared/peers/kstreams: EOS v2,
 * RocksDB stores), on the same events topic in the same run: the floor the pipeline is measured
 * against (issue 12). Its counters are checked against the ground truth too, so the ratio
 * compares two exact computations.
 */
export async function runKstreamsBaseline(brokers: string, topic: string, records: number, truth: GroundTruthFile, province: string, work: string): Promise<BaselineResult> {
  // The shared copy is read-only: build and run a copy in the cache (sources refreshed each run, target/ kept).
  mkdirSync(BUILD_DIR, { recursive: true });
  for (const f of ['pom.xml', 'run.sh', 'log4j.properties', 'src']) {
    rmSync(join(BUILD_DIR, f), { recursive: true, force: true });
    cpSync(join(KSTREAMS_PEER, f), join(BUILD_DIR, f), { recursive: true });
  }
  const units = join(work, 'baseline-units.csv');
  writeFileSync(
    units,
    `code\n${loadUnitCatalogue(province)
      .map((u) => u.code)
      .join('\n')}\n`,
  );
  const out = join(work, `baseline-counts-${Date.now()}.tsv`);
  log(`kstreams baseline on ${topic} (${records} records)`);
  const servicesBefore = serviceCpuSeconds();
  let jvmCpu = 0;
  const stdout = await new Promise<string>((ok, fail) => {
    const child = spawn('bash', [join(BUILD_DIR, 'run.sh'), '--brokers', brokers, '--topic', topic, '--expect', String(records), '--units', units, '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // run.sh execs java in its own process, so the child's own CPU is the JVM's (a first run's
    // Maven build, a child of that shell, is not counted).
    const sampler = setInterval(() => (jvmCpu = readCpuSeconds(child.pid!) ?? jvmCpu), 200);
    let text = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_600_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearInterval(sampler);
      if (code === 0) ok(text);
      else fail(new Error(`kstreams baseline exited ${code}: ${err}`));
    });
  });
  const m = /peer: (\d+) input events in ([\d.]+) s = (\d+) events\/s/.exec(stdout);
  if (!m) throw new Error(`kstreams baseline printed no rate:\n${stdout}`);
  const check = compareCounters(readFileSync(out, 'utf8'), truth);
  const cpuSeconds = { jvm: tenths(jvmCpu), kafka: serviceCpuSince(servicesBefore).kafka };
  const result = {
    records: Number(m[1]),
    seconds: Number(m[2]),
    perSecond: Number(m[3]),
    ...check,
    cpuSeconds,
    cpuMicrosPerRecord: Math.round(((cpuSeconds.jvm + cpuSeconds.kafka) * 1e6) / records),
  };
  log(`kstreams baseline: ${JSON.stringify(result)}`);
  return result;
}

/** The peer's `unit|day<TAB>six counters` lines against the ground truth, for the period's days. */
export function compareCounters(tsv: string, truth: GroundTruthFile): Pick<BaselineResult, 'exact' | 'rowsCompared' | 'differences' | 'firstDifferences'> {
  const actual = new Map<string, number[]>();
  for (const line of tsv.split('\n')) {
    if (!line) continue;
    const [key, values] = line.split('\t');
    const day = key.split('|')[1];
    if (day < truth.from || day > truth.to) continue;
    actual.set(key, values.split(',').map(Number));
  }
  const expected = new Map(truth.days.map((d) => [`${d.unitCode}|${d.day}`, COUNTERS.map((f) => d[f])]));
  const differences: string[] = [];
  const keys = new Set([...expected.keys(), ...actual.keys()]);
  for (const key of keys) {
    const e = expected.get(key) ?? COUNTERS.map(() => 0);
    const a = actual.get(key) ?? COUNTERS.map(() => 0);
    COUNTERS.forEach((f, i) => {
      if (e[i] !== a[i]) differences.push(`${key} ${f}: expected ${e[i]}, got ${a[i]}`);
    });
  }
  return { exact: differences.length === 0, rowsCompared: keys.size, differences: differences.length, firstDifferences: differences.slice(0, 5) };
}
