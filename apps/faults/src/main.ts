import 'reflect-metadata';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { FaultInfra } from './fault-infra';
import { generateFaultFeed } from './fault-feed';
import { FaultPipeline } from './fault-pipeline';
import { log } from './fault-log';
import { type ScenarioRow, formatTable, rowPassed } from './fault-report';
import { FAULTS_USAGE, type FaultsOptions, type ScenarioName, parseFaultsArgs } from './faults-args';
import type { Scenario } from './scenario';
import { killsScenario } from './scenarios/kills.scenario';
import { outagesScenario } from './scenarios/outages.scenario';
import { scaleOutScenario } from './scenarios/scale-out.scenario';
import { shutdownScenario } from './scenarios/shutdown.scenario';
import { SeededRandom } from './seeded-random';

const SCENARIO_RUNNERS: Record<ScenarioName, Scenario> = {
  kills: killsScenario,
  'scale-out': scaleOutScenario,
  outages: outagesScenario,
  shutdown: shutdownScenario,
};

/**
 * `npm run faults` (issue 11): each scenario streams a seeded feed with ground truth through the
 * four apps run as processes on private infrastructure, injects its faults mid-stream, lets the
 * pipeline settle and checks it is exact. Prints one row per scenario; exit 1 on any difference.
 */
async function main(): Promise<number> {
  const parsed = parseFaultsArgs(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(FAULTS_USAGE);
    return 0;
  }
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n\n${FAULTS_USAGE}`);
    return 2;
  }
  const opts: FaultsOptions = parsed;
  const runId = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const work = resolve(process.cwd(), '.cache/faults', runId);
  mkdirSync(work, { recursive: true });
  log(
    `work directory ${work}; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const infra = await FaultInfra.start();
  // Interrupted (Ctrl-C, a CI timeout): stop the apps and the private services before leaving.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the apps and the private infrastructure`);
      void Promise.all([...FaultPipeline.open].map((p) => p.stopAll()))
        .then(() => infra.destroy())
        .finally(() => process.exit(130));
    });
  }
  const rows: ScenarioRow[] = [];
  try {
    for (const name of opts.scenarios) {
      const row: ScenarioRow = { scenario: name, command: commandOf(name, opts), runs: 0, faults: 0, events: 0, differences: 0, recoverMs: [], notes: [] };
      rows.push(row);
      for (let i = 0; i < opts.runs; i++) {
        const seed = opts.seed + i;
        const dir = join(work, `${name}-${i + 1}`);
        log(`${name} run ${i + 1}/${opts.runs} (seed ${seed})`);
        try {
          const feed = await generateFaultFeed(seed, opts.events, join(dir, 'feed'));
          log(`  feed: ${feed.records.length} records, ${feed.badValues.size} bad, ground truth ${feed.truth.from} … ${feed.truth.to}`);
          const outcome = await SCENARIO_RUNNERS[name]({ infra, opts, feed, seed, logDir: join(dir, 'logs'), rng: new SeededRandom(seed, name) });
          row.runs++;
          row.faults += outcome.faults;
          row.events += outcome.events;
          row.differences += outcome.differences.length;
          row.recoverMs.push(outcome.recoverMs);
          row.notes.push(...outcome.notes);
          for (const d of outcome.differences.slice(0, 20)) log(`  difference [${d.check}] ${d.detail}`);
          log(`  ${name} run ${i + 1}: ${outcome.faults} faults, ${outcome.differences.length} differences, recovered in ${(outcome.recoverMs / 1000).toFixed(1)} s; ${outcome.notes.join('; ')}`);
        } catch (error) {
          row.error = (error as Error).message.split('\n')[0].slice(0, 200);
          log(`  ${name} run ${i + 1} FAILED: ${(error as Error).stack ?? String(error)}`);
          break;
        }
      }
    }
  } finally {
    await infra.destroy();
  }
  const table = formatTable(rows);
  process.stdout.write(`\n${table}`);
  for (const r of rows) if (r.notes.length) process.stdout.write(`${r.scenario}: ${[...new Set(r.notes)].join('; ')}\n`);
  const passed = rows.every(rowPassed);
  writeFileSync(join(work, 'result.json'), `${JSON.stringify({ runId, opts, rows, load: loadavg() }, null, 2)}\n`);
  if (passed && !opts.keep) rmSync(work, { recursive: true, force: true });
  else log(`logs kept in ${work}`);
  return passed ? 0 : 1;
}

function commandOf(name: ScenarioName, opts: FaultsOptions): string {
  const parts = ['npm run faults --', `--scenario ${name}`];
  if (opts.runs !== 1) parts.push(`--runs ${opts.runs}`);
  if (opts.short) parts.push('--short');
  return parts.join(' ');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
