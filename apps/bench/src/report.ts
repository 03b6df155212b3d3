import { cpus } from 'node:os';
import { median } from './bench-kit';
import { describeProfile } from './cpuprofile-summary';
import { sparkline } from './lag-sampler';
import { statementLines } from './pg-statements';
import type { BaselineResult } from './stages/kstreams-baseline.stage';
import type { StagedRun, WholeRun } from './stages/pipeline-runs.stage';
import type { FreshnessResult } from './freshness';

/** The bench's results file, as written to bench-results/ and summarised by `printReport`. */
export interface BenchResults {
  runId: string;
  machine: Record<string, unknown> & { loadAtStart: string };
  options: Record<string, unknown>;
  period: { from: string; to: string };
  records: number;
  ceilings?: Record<string, number>;
  staged?: StagedRun;
  /** Each whole run of this build, and of the `--before` build when given. */
  whole: WholeRun[];
  before: WholeRun[];
  baseline: BaselineResult[];
  freshness?: FreshnessResult[];
  /** The `--before` build's freshness, measured on its last run. */
  freshnessBefore?: FreshnessResult[];
  naive?: Record<string, number>;
  loadAtEnd?: string;
}

const fmt = (n: number) => (Number.isFinite(n) ? String(Math.round(n)) : '–');

/** Median and spread of one measure over runs. */
function spread(values: number[]): string {
  if (values.length === 0) return '–';
  if (values.length === 1) return fmt(values[0]);
  return `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`;
}

/** pipeline ÷ baseline of the medians, the ratio issue 12 asks for. */
export function ratio(pipeline: number[], baseline: number[]): number | undefined {
  if (pipeline.length === 0 || baseline.length === 0) return undefined;
  return Math.round((median(pipeline) / median(baseline)) * 100) / 100;
}

/** The human-readable summary (stdout): the BENCHMARKS.md tables are copied from it. */
export function printReport(r: BenchResults): void {
  const lines: string[] = [];
  const c = r.ceilings;
  lines.push(`\nPipeline benchmark ${r.runId}: ${r.records} records (${r.period.from} … ${r.period.to}), load ${r.machine.loadAtStart} → ${r.loadAtEnd}`);
  if (c)
    lines.push(
      `ceilings (record ${c.recordSize} B): java producer ${c.javaProduce}/s, java consumer ${c.javaConsume}/s, kafkajs producer ${c.kafkajsProduce}/s, kafkajs eachBatch+JSON.parse ${c.kafkajsConsumeParse}/s`,
    );
  if (r.staged) {
    const { ingest, aggregator } = r.staged;
    lines.push(
      `staged: ingest alone ${ingest.perSecond}/s (peak RSS ${ingest.peakRssMb} MB), aggregator alone ${aggregator.perSecond}/s (peak RSS ${aggregator.peakRssMb} MB); ground truth ${r.staged.groundTruth.passed}`,
    );
    const cpu = (app: string, own: number, s: { postgres: number; kafka: number }) => `${app} ${own} s, PostgreSQL ${s.postgres} s, broker ${s.kafka} s`;
    lines.push(
      `staged CPU, each stage from its app's start: ${cpu('ingest', ingest.cpuSeconds, ingest.servicesCpuSeconds)}; ${cpu('aggregator', aggregator.cpuSeconds, aggregator.servicesCpuSeconds)}`,
    );
  }
  const e2e = (runs: WholeRun[]) => runs.map((w) => w.endToEndRedis.perSecond);
  const baseline = r.baseline.map((b) => b.perSecond);
  const mode = r.whole[0]?.mode === 'live' ? 'produced while running (--live)' : 'on a backlog, as the baseline';
  lines.push(`| whole run ${mode} (median of runs, min–max) | runs | end to end → Redis, events/s | ingest | aggregator → PostgreSQL | ÷ baseline | peak RSS aggregator | ground truth |`);
  lines.push('|---|---:|---:|---:|---:|---:|---:|---|');
  const row = (name: string, runs: WholeRun[]) => {
    if (runs.length === 0) return;
    const rss = runs.map((w) => w.peakRssMb.aggregator);
    const truth = runs.every((w) => w.groundTruth.passed) ? `exact (${runs[0].groundTruth.rowsCompared} unit-days)` : 'DIFFERENCES';
    lines.push(
      `| ${name} | ${runs.length} | ${spread(e2e(runs))} | ${spread(runs.map((w) => w.ingest.perSecond))} | ${spread(runs.map((w) => w.aggregator.perSecond))} | ${ratio(e2e(runs), baseline) ?? '–'}× | ${spread(rss)} MB | ${truth} |`,
    );
  };
  row('this build', r.whole);
  row('before (--before)', r.before);
  if (r.baseline.length) {
    const exact = r.baseline.every((b) => b.exact) ? 'exact' : 'DIFFERENCES';
    lines.push(`| Kafka Streams baseline | ${r.baseline.length} | ${spread(baseline)} | | | 1× | | ${exact} |`);
  }
  if (r.before.length) lines.push(`this build ÷ before: ${ratio(e2e(r.whole), e2e(r.before))}×`);
  const last = r.whole[r.whole.length - 1];
  if (last) {
    lines.push(`CPU seconds of the last run: ${JSON.stringify(last.cpuSeconds)} = ${last.cpuMicrosPerRecord} µs of CPU per record`);
    lines.push(`PostgreSQL's CPU seconds in the last run by client: ${JSON.stringify(last.postgresCpuByClient)}`);
    if (r.baseline.length) {
      // On two cores both are CPU-bound, so the CPU a record is what the rates' ratio comes down to.
      const pipelineCpu = median(r.whole.map((w) => w.cpuMicrosPerRecord));
      const baselineCpu = median(r.baseline.map((b) => b.cpuMicrosPerRecord));
      lines.push(
        `CPU per record, median of runs: this build ${pipelineCpu} µs (apps, PostgreSQL, broker), Kafka Streams baseline ${baselineCpu} µs (JVM ${spread(r.baseline.map((b) => b.cpuSeconds.jvm))} s, broker ${spread(r.baseline.map((b) => b.cpuSeconds.kafka))} s a run): ${Math.round((pipelineCpu / baselineCpu) * 100) / 100}× the baseline's`,
      );
    }
    lines.push(
      `last run: in PostgreSQL after ${last.endToEndPostgres.seconds} s, in Redis after ${last.endToEndRedis.seconds} s; peak RSS ${JSON.stringify(last.peakRssMb)}; database ${last.databaseMb} MB (${last.databaseMbPerMillion} MB per million records)`,
    );
    if (last.autovacuum) {
      const done = last.autovacuum.map((w) => `${w.action} ${w.table} at ${w.atSeconds} s (${w.ms} ms)`);
      lines.push(`autovacuum is off on this server; the bench stood in for it in the last run: ${done.length ? done.join(', ') : 'nothing was due'}`);
    }
    if (last.statements) lines.push(`PostgreSQL executor time by statement, last run (pg_stat_statements):`, ...statementLines(last.statements));
    else lines.push(`(no PostgreSQL statement breakdown: the server does not have pg_stat_statements in shared_preload_libraries)`);
    const lag = last.lag;
    lines.push(`ingest lag     ${sparkline(lag.map((s) => s.ingestLag))} max ${Math.max(0, ...lag.map((s) => s.ingestLag))}`);
    lines.push(`aggregator lag ${sparkline(lag.map((s) => s.aggregatorLag))} max ${Math.max(0, ...lag.map((s) => s.aggregatorLag))}`);
    lines.push(`aggregator RSS ${sparkline(lag.map((s) => s.rssMb.aggregator ?? 0))} max ${Math.max(0, ...lag.map((s) => s.rssMb.aggregator ?? 0))} MB`);
  }
  if (r.naive) lines.push(`naive baseline (${r.naive.records} records): ${r.naive.perSecond}/s, peak RSS ${r.naive.peakRssMb} MB → pipeline ÷ naive = ${r.naive.ratio}×`);
  for (const [label, figures] of [
    ['', r.freshness],
    [' (before)', r.freshnessBefore],
  ] as const) {
    for (const f of figures ?? []) {
      lines.push(`freshness${label} at ${f.rate}/s: p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms (${f.seen}/${f.markers} markers; GET /metrics/live${f.apiQuery})`);
      for (const s of f.stages ?? []) lines.push(`  of which at the ${s.name}: p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms (${s.seen}/${f.markers} markers)`);
      if (f.cpuCores) {
        const total = Object.values(f.cpuCores).reduce((a, b) => a + b, 0);
        lines.push(
          `  CPU through the phase, cores: ${total.toFixed(2)} of ${cpus().length} (${Object.entries(f.cpuCores)
            .map(([name, cores]) => `${name} ${cores.toFixed(2)}`)
            .join(', ')})`,
        );
      }
    }
  }
  for (const [app, profile] of Object.entries(r.staged?.profiles ?? {})) {
    if (profile) lines.push(...describeProfile(app, profile));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
