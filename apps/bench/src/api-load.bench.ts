import 'reflect-metadata';
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { loadUnitCatalogue } from '@tthc/catalogue';
import { addDays, localDayOf } from '@tthc/domain';
import { LiveMetricsStore, buildUnitSnapshot, liveWindows } from '@tthc/live-metrics';
import { REBUILD_GAUGE_CHANGES_FROM_DOSSIERS, countOverdueOpenNow, dataSourceOptions, ensureDatabase, runMigrations, sumWindowCounts, upsertUnits } from '@tthc/persistence';

/**
 * The API under concurrent load (issue 4): `GET /metrics/live` (Redis only) and one-year series
 * queries (PostgreSQL), measured with autocannon against the compiled api app in its own process.
 *
 *   npm run build && node dist/apps/bench/src/api-load.bench.js [--dossiers 1300000] [--seconds 15]
 *
 * Seeds its own database (`tthc_bench_api`, its schema re-made each run) with a year of a
 * Vĩnh Long-sized feed, ~350,000 dossiers a quarter over 125 units (PRODUCT.md "Scale to plan
 * for"), derives the day counters from those dossiers as the aggregator would, writes the live
 * snapshot to Redis under its own key prefix, then starts `dist/apps/api/src/main.js`.
 */
const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const DOSSIERS = Number(args.get('dossiers') ?? 1_300_000);
const SECONDS = Number(args.get('seconds') ?? 15);
const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tthc_bench_api';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = 'tthc-bench-api';
const PORT = Number(process.env.BENCH_API_PORT ?? 3917);
const KEY = 'bench-ioc-auditor-key';
const FROM = '2024-10-01';
const TO = '2025-09-30';

async function seed(): Promise<void> {
  await ensureDatabase(BASE_URL);
  const ds = await new DataSource(dataSourceOptions(BASE_URL, { poolSize: 2, appName: 'tthc-bench' })).initialize();
  try {
    // The bench's own database: start from an empty schema, whatever migrations exist now.
    await ds.query('DROP SCHEMA IF EXISTS public CASCADE');
    await ds.query('CREATE SCHEMA public');
  } finally {
    await ds.destroy();
  }
  await runMigrations(BASE_URL);
  const db = await new DataSource(dataSourceOptions(BASE_URL, { poolSize: 2, appName: 'tthc-bench' })).initialize();
  try {
    const units = loadUnitCatalogue('86');
    await upsertUnits(db, units);
    const started = Date.now();
    // Deterministic pseudo-random dossiers over the year (hashes of the row number, no RNG state):
    // ~52% online (the province's Q3/2025 share), deadlines 3–12 days, 2% never resolved,
    // resolution 0.5–14 days after receipt, so some are late and some still open at each period's end.
    await db.query(
      `WITH u AS (SELECT array_agg(code ORDER BY code) AS codes FROM units),
            g AS (SELECT n, abs(hashtext(n::text)) AS h1, abs(hashtext('x' || n)) AS h2 FROM generate_series(0, $1::int - 1) n),
            r AS (SELECT n, h1, h2,
                         u.codes[1 + (h1 % array_length(u.codes, 1))] AS unit_code,
                         timestamptz '${FROM}T00:00:00+07:00' + (n::float8 / $1::int) * interval '365 days' AS received_at
                    FROM g, u)
       INSERT INTO dossiers (unit_code, dossier_id, procedure_code, received_at, received_event_id, channel, receipt_due_at,
                             resolved_at, resolved_event_id, resolution_due_at)
       SELECT unit_code, 'B' || n, '1.001612', received_at, gen_random_uuid(),
              CASE WHEN h1 % 100 < 52 THEN 'ONLINE' ELSE 'DIRECT' END,
              received_at + (3 + h2 % 10) * interval '1 day',
              CASE WHEN h2 % 50 = 0 THEN NULL ELSE received_at + (12 + h2 % 324) * interval '1 hour' END,
              CASE WHEN h2 % 50 = 0 THEN NULL ELSE gen_random_uuid() END,
              CASE WHEN h2 % 50 = 0 THEN NULL ELSE received_at + (3 + h2 % 10) * interval '1 day' END
         FROM r`,
      [DOSSIERS],
    );
    // Counters exactly as the aggregator keeps them: per unit, per local day of each fact.
    await db.query(`
      INSERT INTO unit_daily_counters (unit_code, day, received_total, received_online, received_direct, resolved_total, resolved_on_time, resolved_late)
      SELECT unit_code, day, sum(rt), sum(ro), sum(rd), sum(st), sum(so), sum(sl) FROM (
        SELECT unit_code, (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, 1 AS rt,
               (channel = 'ONLINE')::int AS ro, (channel = 'DIRECT')::int AS rd, 0 AS st, 0 AS so, 0 AS sl FROM dossiers
        UNION ALL
        SELECT unit_code, (resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 0, 0, 0, 1,
               (resolved_at <= resolution_due_at)::int, (resolved_at > resolution_due_at)::int FROM dossiers WHERE resolved_at IS NOT NULL
      ) f GROUP BY unit_code, day`);
    await db.query(REBUILD_GAUGE_CHANGES_FROM_DOSSIERS);
    // Freshly loaded rows make their first readers set hint bits (writes) and race autovacuum:
    // vacuum now so the measurement sees the table as a running system would.
    await db.query('VACUUM (ANALYZE) dossiers');
    await db.query('VACUUM (ANALYZE) unit_daily_counters');
    console.error(`seeded ${DOSSIERS} dossiers for ${units.length} units in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // The live snapshot the aggregator would write, for "now" at the end of the seeded year.
    const now = Date.parse(`${TO}T12:00:00+07:00`);
    const windows = liveWindows(now);
    const [sums, overdue] = await Promise.all([sumWindowCounts(db, windows), countOverdueOpenNow(db, new Date(now))]);
    const redis = new Redis(REDIS_URL);
    try {
      await new LiveMetricsStore(redis, PREFIX).write(
        units.map((u) => ({ provinceCode: u.provinceCode, snapshot: buildUnitSnapshot(u.code, now, windows, sums.get(u.code), overdue.get(u.code) ?? 0) })),
        { complete: true },
      );
    } finally {
      await redis.quit();
    }
  } finally {
    await db.destroy();
  }
}

async function startApi(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'api', 'src', 'main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: BASE_URL,
      REDIS_URL,
      REDIS_KEY_PREFIX: PREFIX,
      API_PORT: String(PORT),
      // Configured as a production deployment is: by name and SHA-256 (issue 10).
      API_KEYS: `bench:ioc|auditor:${createHash('sha256').update(KEY).digest('hex')}`,
      // The limiter still runs on every request (its cost is measured); the budget is out of reach.
      RATE_LIMIT_MAX: '10000000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const ok = await fetch(`http://127.0.0.1:${PORT}/api/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
  }
  child.kill();
  throw new Error('the api did not become healthy within 20 s');
}

async function drained(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const started = Date.now();
    await fetch(`http://127.0.0.1:${PORT}/api/v1/health`).catch(() => undefined);
    if (Date.now() - started < 50) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

interface Scenario {
  name: string;
  path: string;
  connections: number;
}

async function run(s: Scenario) {
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}${s.path}`,
    headers: { 'X-API-Key': KEY },
    connections: s.connections,
    duration: SECONDS,
  });
  return {
    ...s,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  await seed();
  const api = await startApi();
  try {
    const series = `from=${FROM}&to=${TO}`;
    const today = localDayOf(Date.now());
    const scenarios: Scenario[] = [
      { name: 'GET /metrics/live', path: '/api/v1/metrics/live', connections: 50 },
      { name: 'GET /metrics/live', path: '/api/v1/metrics/live', connections: 200 },
      { name: 'unit series, 1 year by day', path: `/api/v1/metrics/units/28756/series?${series}&granularity=day`, connections: 50 },
      { name: 'unit series, 1 year by month', path: `/api/v1/metrics/units/28756/series?${series}&granularity=month`, connections: 50 },
      { name: 'province series, 1 year by month', path: `/api/v1/metrics/province/series?${series}&granularity=month`, connections: 10 },
      { name: 'province series, 1 year by month', path: `/api/v1/metrics/province/series?${series}&granularity=month`, connections: 50 },
      { name: 'province series, 1 year by day', path: `/api/v1/metrics/province/series?${series}&granularity=day`, connections: 50 },
      { name: 'province metrics, 1 year', path: `/api/v1/metrics/province?${series}`, connections: 50 },
      { name: 'ranking of 125 units by 766 rate, 1 year', path: `/api/v1/metrics/ranking?${series}&metric=progressRate766`, connections: 50 },
      // A range reaching today is judged "now": its open/overdue counts come from the open dossiers.
      { name: 'province metrics, last 30 days to now', path: `/api/v1/metrics/province?from=${addDays(today, -29)}&to=${today}`, connections: 50 },
    ];
    // Warm-up: first requests compile query plans and fill caches.
    for (const s of scenarios) await fetch(`http://127.0.0.1:${PORT}${s.path}`, { headers: { 'X-API-Key': KEY } });
    const rows = [];
    for (const s of scenarios) {
      // Let the server drain what the previous scenario left queued (autocannon stops sending,
      // the api does not stop answering), so each row measures only its own load.
      await drained();
      const r = await run(s);
      console.error(`${r.name} @${r.connections}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}`);
      rows.push(r);
    }
    console.log(`| request | connections | requests/s | p50 latency | p99 latency | requests | non-2xx / errors |`);
    console.log(`|---|---:|---:|---:|---:|---:|---:|`);
    for (const r of rows) {
      console.log(`| ${r.name} | ${r.connections} | ${r.rps.toFixed(0)} | ${r.p50} ms | ${r.p99} ms | ${r.total} | ${r.non2xx} / ${r.errors} |`);
    }
  } finally {
    api.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
