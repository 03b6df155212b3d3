import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type DossierEvent, CounterDeltaAccumulator, applyDossierEvent } from '@tthc/domain';
import { appendNewRawEvents, dossierKey, ensureDatabase, loadDossiers, runMigrations, saveDossiers, type SourcedEvent } from '@tthc/persistence';
import { readCpuSeconds } from './app-process';

/**
 * How much PostgreSQL work each write of the pipeline costs per event (issue 12), measured on the
 * server side: the CPU seconds of this connection's backend process (/proc/<pid>/stat) and the
 * wall time, for batches of the pipeline's size. Run: node dist/apps/bench/src/storage.bench.js
 * (BATCH, BATCHES: batch size and count; LOAD_SIZES: the table sizes of the dossier-load comparison).
 */
const BATCH = Number(process.env.BATCH ?? 3000);
const BATCHES = Number(process.env.BATCHES ?? 30);

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tthc_bench_storage';
  await ensureDatabase(url);
  const schema = `storage_${Date.now()}`;
  await runMigrations(url, schema);
  const db = new Client({ connectionString: url, options: `-c search_path=${schema}` });
  await db.connect();
  const pid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const sql = { query: <T>(text: string, params?: unknown[]) => db.query(text, params).then((r) => r.rows as T) };

  const T = Date.parse('2025-07-15T09:00:00+07:00');
  const units = JSON.parse(readFileSync(0, 'utf8') || '[]') as string[];
  const unitOf = (i: number) => units[i % units.length] ?? '28756';
  const events = (n: number, kind: 'RECEIVED' | 'RESOLVED'): DossierEvent[] =>
    Array.from({ length: BATCH }, (_, i) => ({
      eventId: randomUUID(),
      type: kind,
      dossierId: `d-${n}-${i}`,
      unitCode: unitOf(i),
      procedureCode: '1.001612',
      occurredAt: T + i * 1000 + (kind === 'RESOLVED' ? 86_400_000 : 0),
      channel: kind === 'RECEIVED' ? 'ONLINE' : undefined,
      dueAt: T + 3 * 86_400_000,
    }));

  async function measure(name: string, work: (n: number) => Promise<void>): Promise<void> {
    const cpu0 = readCpuSeconds(pid) ?? 0;
    const t0 = performance.now();
    for (let n = 0; n < BATCHES; n++) {
      await db.query('BEGIN');
      await work(n);
      await db.query('COMMIT');
    }
    const wall = performance.now() - t0;
    const cpu = (readCpuSeconds(pid) ?? 0) - cpu0;
    const per = BATCH * BATCHES;
    console.log(`${name.padEnd(48)} ${((wall * 1000) / per).toFixed(1).padStart(6)} µs wall, ${((cpu * 1e6) / per).toFixed(1).padStart(6)} µs PostgreSQL CPU per event`);
  }

  const received = Array.from({ length: BATCHES }, (_, n) => events(n, 'RECEIVED'));
  const resolved = Array.from({ length: BATCHES }, (_, n) => events(n, 'RESOLVED'));
  const sourced = (es: DossierEvent[]): SourcedEvent[] => es.map((event, i) => ({ event, partition: 0, offset: String(i) }));

  await measure('raw log: INSERT … unnest … ON CONFLICT', (n) => appendNewRawEvents(sql, sourced(received[n])).then(() => undefined));
  await db.query('TRUNCATE raw_events');
  await measure('raw log: COPY into a temp table, INSERT … SELECT', async (n) => {
    await db.query(`CREATE TEMP TABLE IF NOT EXISTS raw_in (LIKE raw_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
    const text = received[n]
      .map((e, i) => [e.eventId, 1, e.type, e.dossierId, e.unitCode, e.procedureCode, new Date(e.occurredAt).toISOString(), e.channel ?? '\\N', new Date(e.dueAt).toISOString(), 0, i].join('\t'))
      .join('\n');
    await pipeline(
      Readable.from([`${text}\n`]),
      db.query(copyFrom(`COPY raw_in (event_id, schema_version, type, dossier_id, unit_code, procedure_code, occurred_at, channel, due_at, source_partition, source_offset) FROM STDIN`)),
    );
    await db.query(`INSERT INTO raw_events SELECT * FROM raw_in ON CONFLICT (event_id) DO NOTHING RETURNING event_id`);
  });

  const fold = async (es: DossierEvent[]) => {
    const states = await loadDossiers(sql, es);
    const acc = new CounterDeltaAccumulator();
    const changed = es.map((e) => applyDossierEvent(states.get(dossierKey(e)), e, acc));
    await saveDossiers(sql, changed, states);
  };
  await measure('dossiers: load + save, new dossiers (RECEIVED)', (n) => fold(received[n]));
  await measure('dossiers: load + save, existing dossiers (RESOLVED)', (n) => fold(resolved[n]));

  // loadDossiers against the plain join it replaced, as history grows (LOAD_SIZES dossiers of the
  // v1 shape, fresh statistics, 3,000 keys spread over the table): PostgreSQL CPU per batch.
  await db.query('TRUNCATE dossiers');
  const JOIN_SQL = `SELECT d.* FROM dossiers d JOIN unnest($1::text[], $2::text[]) AS k(unit_code, dossier_id) ON d.unit_code = k.unit_code AND d.dossier_id = k.dossier_id`;
  let stored = 0;
  for (const size of (process.env.LOAD_SIZES ?? '100000,1000000').split(',').map(Number)) {
    await db.query(
      `INSERT INTO dossiers (unit_code, dossier_id, procedure_code, received_at, received_event_id, channel, receipt_due_at, updated_at)
       SELECT (28000 + g % 124)::text, 'd-' || g, '1.001612', now(), gen_random_uuid(), 'ONLINE', now(), now() FROM generate_series($1::int + 1, $2::int) AS g`,
      [stored, size],
    );
    stored = size;
    await db.query('VACUUM ANALYZE dossiers');
    const keys = Array.from({ length: BATCH }, (_, i) => 1 + ((i * 7919) % size)).map((g) => ({ unitCode: String(28000 + (g % 124)), dossierId: `d-${g}` }));
    const cpuPerBatch = async (work: () => Promise<unknown>) => {
      const samples: number[] = [];
      for (let r = 0; r < 7; r++) {
        const cpu0 = readCpuSeconds(pid) ?? 0;
        for (let j = 0; j < 5; j++) await work();
        samples.push((((readCpuSeconds(pid) ?? 0) - cpu0) * 1000) / 5);
      }
      return samples.sort((a, b) => a - b)[3].toFixed(0);
    };
    const joined = await cpuPerBatch(() => db.query(JOIN_SQL, [keys.map((k) => k.unitCode), keys.map((k) => k.dossierId)]));
    const probed = await cpuPerBatch(() => loadDossiers(sql, keys));
    console.log(`dossiers: load ${BATCH} of ${size}: plain join ${joined} ms, loadDossiers ${probed} ms of PostgreSQL CPU per batch (median of 7)`);
  }

  await db.query(`DROP SCHEMA ${schema} CASCADE`);
  await db.end();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
