import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadUnitCatalogue } from '@tthc/catalogue';
import { DEFAULT_ALERT_RULES, WINDOW_COUNT_FIELDS, type WindowCountField, addDays, localDayOf, metricFields, windowBounds, windowName } from '@tthc/domain';
import { INDICATOR_COLUMNS, type WindowBounds, dataSourceOptions, dropDatabase, ensureDatabase, runMigrations, sumWindowCounts, upsertUnits } from '@tthc/persistence';
import { median, serviceCpuSeconds } from './bench-kit';

/**
 * The notifier's clock tick at national scale (issue 12): every ALERT_TICK_MS it sums every
 * unit's rule windows from the day rows in PostgreSQL. This seeds a national month of day rows
 * (the 3,355 units of the national catalogue, PROCEDURES procedures with activity a unit-day,
 * DAYS days: ~12 a unit-day is what the national bench's three days wrote, 123,342 rows) and
 * times that read as the tick makes it for the default rules, every count summed against only
 * the counts the rules read (`metricFields`), alternating round by round. It checks the two agree
 * on every count the rules read (exit 1 otherwise), then prints wall time and PostgreSQL's CPU
 * (every backend, parallel workers included) per read.
 *
 *   npm run build && node dist/apps/bench/src/alert-tick.bench.js
 *
 * ROUNDS (default 7), DAYS (30), PROCEDURES (12); BENCH_DATABASE_URL (its own database,
 * `tthc_bench_tick`, made afresh and dropped at the end unless KEEP=1).
 */
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const DAYS = Number(process.env.DAYS ?? 30);
const PROCEDURES = Number(process.env.PROCEDURES ?? 12);
const URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tthc_bench_tick';

async function seed(db: DataSource, units: string[], today: string): Promise<void> {
  const from = addDays(today, -(DAYS - 1));
  // Deterministic counts from hashes of the row's key; every column non-zero somewhere, so no sum is trivially 0.
  const value = (col: string, i: number) => `(abs(hashtext(u.code || p.n || d.day || '${col}')) % ${5 + (i % 7)})::bigint`;
  await db.query(
    `INSERT INTO unit_procedure_daily_indicators (unit_code, procedure_code, day, ${INDICATOR_COLUMNS.join(', ')})
     SELECT u.code, '1.00' || p.n, d.day, ${INDICATOR_COLUMNS.map((c, i) => value(c, i)).join(', ')}
       FROM unnest($1::text[]) AS u(code), generate_series(1, $2::int) AS p(n),
            (SELECT ($3::date + k)::date AS day FROM generate_series(0, $4::int - 1) k) d`,
    [units, PROCEDURES, from, DAYS],
  );
  await db.query(
    `INSERT INTO unit_daily_counters (unit_code, day, received_total, received_online, received_direct, resolved_total, resolved_on_time, resolved_late)
     SELECT unit_code, day, sum(received_total), sum(received_online), sum(received_direct), sum(resolved_total), sum(resolved_on_time), sum(resolved_late)
       FROM unit_procedure_daily_indicators GROUP BY unit_code, day`,
  );
  await db.query('VACUUM ANALYZE unit_procedure_daily_indicators');
  await db.query('VACUUM ANALYZE unit_daily_counters');
}

async function main(): Promise<void> {
  await ensureDatabase(URL);
  const admin = await new DataSource(dataSourceOptions(URL, { poolSize: 1, appName: 'tthc-bench' })).initialize();
  await admin.query('DROP SCHEMA IF EXISTS public CASCADE');
  await admin.query('CREATE SCHEMA public');
  await admin.destroy();
  await runMigrations(URL);
  // Two connections, as the notifier's pool gives the two day-row sums.
  const db = await new DataSource(dataSourceOptions(URL, { poolSize: 2, appName: 'tthc-bench' })).initialize();
  try {
    const catalogue = loadUnitCatalogue('all');
    await upsertUnits(db, catalogue);
    const units = catalogue.map((u) => u.code);
    const now = Date.now();
    const today = localDayOf(now);
    const started = Date.now();
    await seed(db, units, today);
    const [{ n }]: { n: number }[] = await db.query('SELECT count(*)::int AS n FROM unit_procedure_daily_indicators');
    console.log(`seeded ${units.length} units × ${DAYS} days: ${n} indicator day rows (${Date.now() - started} ms)`);

    const spans: WindowBounds[] = [...new Map(DEFAULT_ALERT_RULES.map((r) => [windowName(r.window), { name: windowName(r.window), ...windowBounds(r.window, now) }])).values()];
    const narrow = [...new Set(DEFAULT_ALERT_RULES.flatMap((r) => metricFields(r.metric)))];
    const variants: [string, readonly WindowCountField[]][] = [
      ['every count', WINDOW_COUNT_FIELDS],
      [`the rules' counts (${narrow.join(', ')})`, narrow],
    ];
    const figures = new Map<string, { wallMs: number[]; pgMs: number[] }>(variants.map(([label]) => [label, { wallMs: [], pgMs: [] }]));
    const results: Awaited<ReturnType<typeof sumWindowCounts>>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // ABBA, so neither order is always first.
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const [label, fields] of order) {
        const pg0 = serviceCpuSeconds().postgres;
        const t0 = performance.now();
        const result = await sumWindowCounts(db, spans, units, fields);
        const wall = performance.now() - t0;
        const pg = (serviceCpuSeconds().postgres - pg0) * 1000;
        figures.get(label)!.wallMs.push(wall);
        figures.get(label)!.pgMs.push(pg);
        if (round === 0) results[variants.findIndex(([l]) => l === label)] = result;
      }
    }

    const [full, narrowed] = results;
    let differences = 0;
    for (const unit of units) {
      for (const span of spans) {
        for (const f of narrow) {
          if (full.get(unit)?.get(span.name)?.[f] !== narrowed.get(unit)?.get(span.name)?.[f]) differences++;
        }
      }
    }
    console.log(`\nthe tick's read for the default rules (${spans.map((s) => `${s.name} ${s.from}..${s.to}`).join(', ')}), ${ROUNDS} rounds, median (min–max):`);
    for (const [label] of variants) {
      const f = figures.get(label)!;
      const fmt = (xs: number[]) => `${Math.round(median(xs))} ms (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`;
      console.log(`  ${label}: wall ${fmt(f.wallMs)}, PostgreSQL CPU ${fmt(f.pgMs)}`);
    }
    const a = figures.get(variants[0][0])!;
    const b = figures.get(variants[1][0])!;
    console.log(`  ratio every ÷ rules': wall ${(median(a.wallMs) / median(b.wallMs)).toFixed(2)}×, PostgreSQL CPU ${(median(a.pgMs) / median(b.pgMs)).toFixed(2)}×`);
    console.log(`  ${units.length} units compared on ${narrow.length} counts × ${spans.length} windows: ${differences === 0 ? 'identical' : `${differences} DIFFERENCES`}`);
    if (differences > 0) process.exitCode = 1;
  } finally {
    await db.destroy();
    if (process.env.KEEP !== '1') await dropDatabase(URL);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
