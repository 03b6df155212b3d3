import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import * as thisDomain from '@tthc/domain';
import * as thisPersistence from '@tthc/persistence';
import type { DossierEvent, DossierState } from '@tthc/domain';
import type { Sql, SourcedEvent } from '@tthc/persistence';
import { readCpuSeconds } from './app-process';

/**
 * The pipeline's two write paths, this build against another build's dist, in one process on one
 * connection (issue 12): ingest's raw-log append, and an aggregator batch's writes (load the
 * dossiers, fold, then the dossier, unit-day and indicator-day writes as one statement). The
 * builds alternate round by round in ABBA order, each round from empty tables, and the figures
 * are PostgreSQL's CPU (its backend's /proc/<pid>/stat) and this process's per event.
 *
 * Whole-pipeline runs on a shared two-core machine moved by ±20% between runs of the same build,
 * too much to see a change worth a few µs an event; here both builds see the same moment.
 *
 *   scripts/build-before.sh <commit>
 *   node dist/apps/bench/src/write-ab.bench.js .cache/before-<commit>/dist
 *
 * ROUNDS (default 6), BATCHES per round (20), BATCH events each (3,000); DATABASE_URL.
 */
type Domain = typeof thisDomain;
type Persistence = typeof thisPersistence;
interface Build {
  label: string;
  domain: Domain;
  persistence: Persistence;
}

const ROUNDS = Number(process.env.ROUNDS ?? 6);
const BATCHES = Number(process.env.BATCHES ?? 20);
const BATCH = Number(process.env.BATCH ?? 3000);

function loadBuild(dist: string): Build {
  const root = resolve(dist);
  /* eslint-disable @typescript-eslint/no-require-imports -- another build's compiled modules, chosen at run time */
  return {
    label: `before (${dist})`,
    domain: require(join(root, 'libs/domain/src/index.js')) as Domain,
    persistence: require(join(root, 'libs/persistence/src/index.js')) as Persistence,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** What the aggregator's batch handler does with a batch's events, through `build`'s own functions; `parts` picks the writes. */
async function aggregatorBatch({ domain, persistence }: Build, sql: Sql, events: DossierEvent[], parts: 'dossiers' | 'day rows'): Promise<void> {
  const loaded = await persistence.loadDossiers(sql, events);
  const states = new Map(loaded);
  const counters = new domain.CounterDeltaAccumulator();
  const changed = new Map<string, DossierState>();
  for (const e of events) {
    const key = persistence.dossierKey(e);
    const after = domain.applyDossierEvent(states.get(key), e, counters);
    states.set(key, after);
    changed.set(key, after);
  }
  const indicators = new domain.IndicatorDeltaAccumulator();
  for (const [key, after] of changed) domain.indicatorChange(indicators, loaded.get(key), after);
  // The dossier writes always run (the next batch loads what this one wrote); the day rows only when measured.
  await persistence.runWrites(sql, [
    ...persistence.dossierWrites([...changed.values()], loaded),
    ...(parts === 'day rows' ? [...persistence.counterDeltaWrites(counters.deltas()), ...persistence.indicatorDeltaWrites(indicators.deltas())] : []),
  ]);
}

async function main(): Promise<void> {
  const beforeDist = process.argv[2];
  if (!beforeDist) throw new Error('usage: write-ab.bench.js <other build dist>, e.g. .cache/before-<commit>/dist');
  const builds: Build[] = [{ label: 'this build', domain: thisDomain, persistence: thisPersistence }, loadBuild(beforeDist)];

  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tthc_bench_storage';
  await thisPersistence.ensureDatabase(url);
  const schema = `write_ab_${Date.now()}`;
  await thisPersistence.runMigrations(url, schema);
  const db = new Client({ connectionString: url, options: `-c search_path=${schema}` });
  await db.connect();
  const pid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const sql: Sql = { query: <T>(text: string, params?: unknown[]) => db.query(text, params).then((r) => r.rows as T) };

  const T = Date.parse('2026-09-15T09:00:00+07:00');
  const events = (n: number, type: 'RECEIVED' | 'RESOLVED'): DossierEvent[] =>
    Array.from({ length: BATCH }, (_, i) => ({
      eventId: randomUUID(),
      type,
      dossierId: `H29.${i % 124}-260915-${n}-${i}`,
      unitCode: String(29000 + (i % 124)),
      procedureCode: `1.00${1600 + (i % 40)}`,
      occurredAt: T + i * 1000 + (type === 'RESOLVED' ? 86_400_000 : 0),
      channel: type === 'RECEIVED' ? (i % 3 === 0 ? 'DIRECT' : 'ONLINE') : undefined,
      dueAt: T + (i % 5) * 86_400_000,
    }));

  // Events are made before a round's clock starts: only the writes are measured.
  const steps: { name: string; perRound: number; make: () => DossierEvent[][]; run: (b: Build, batches: DossierEvent[][]) => Promise<void> }[] = [
    {
      name: 'ingest: raw-log append',
      perRound: BATCH * BATCHES,
      make: () => Array.from({ length: BATCHES }, (_, n) => events(n, 'RECEIVED')),
      run: async (b, batches) => {
        for (const batch of batches) {
          await db.query('BEGIN');
          await b.persistence.appendNewRawEvents(
            sql,
            batch.map((event, i): SourcedEvent => ({ event, partition: 0, offset: String(i) })),
          );
          await db.query('COMMIT');
        }
      },
    },
    ...(['dossiers', 'day rows'] as const).map((parts) => ({
      name: parts === 'dossiers' ? 'aggregator: dossier load and writes (new dossiers, then their resolutions)' : 'aggregator: the same plus the unit-day and indicator-day upserts',
      perRound: 2 * BATCH * BATCHES,
      make: () => Array.from({ length: BATCHES }, (_, n) => [events(n, 'RECEIVED'), events(n, 'RESOLVED')]).flat(),
      run: async (b: Build, batches: DossierEvent[][]) => {
        for (const batch of batches) {
          await db.query('BEGIN');
          await aggregatorBatch(b, sql, batch, parts);
          await db.query('COMMIT');
        }
      },
    })),
  ];

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`write A/B: ${ROUNDS} rounds (ABBA), ${BATCHES} batches of ${BATCH} events a round; µs of CPU an event, median (all rounds)`);
  for (const step of steps) {
    const pg = new Map<Build, number[]>(builds.map((b) => [b, []]));
    const node = new Map<Build, number[]>(builds.map((b) => [b, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const b of round % 2 === 0 ? builds : [...builds].reverse()) {
        await db.query('TRUNCATE raw_events, dossiers, unit_daily_counters, unit_procedure_daily_indicators');
        const batches = step.make();
        const pg0 = readCpuSeconds(pid) ?? 0;
        const node0 = process.cpuUsage();
        await step.run(b, batches);
        const nodeUsed = process.cpuUsage(node0);
        pg.get(b)!.push((((readCpuSeconds(pid) ?? 0) - pg0) * 1e6) / step.perRound);
        node.get(b)!.push((nodeUsed.user + nodeUsed.system) / step.perRound);
      }
    }
    const show = (xs: number[]) => `${median(xs).toFixed(1)} (${xs.map((x) => x.toFixed(1)).join(' ')})`;
    console.log(step.name);
    for (const b of builds) console.log(`  ${b.label.padEnd(40)} PostgreSQL ${show(pg.get(b)!)}   Node ${show(node.get(b)!)}`);
    // The machine's speed drifts during a run: the ratio of the two builds within each round
    // (measured back to back) says more than the ratio of the medians.
    const [mine, other] = builds;
    const paired = (m: Map<Build, number[]>) => median(m.get(mine)!.map((x, i) => x / m.get(other)![i])).toFixed(2);
    console.log(`  this build ÷ before, median of the rounds' ratios: PostgreSQL ${paired(pg)}×, Node ${paired(node)}×`);
  }

  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
