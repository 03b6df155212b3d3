import { loadUnitCatalogue } from '@tthc/catalogue';
import { DeadLetterWriter, LOGGER, SETTINGS } from '@tthc/infrastructure';
import type { PartitionBatch } from '@tthc/messaging';
import { dataSourceOptions, upsertUnits } from '@tthc/persistence';
import { classifyFailure } from '@tthc/platform';
import { DataSource } from 'typeorm';
import { batchOf, WorkerContext } from '../../../test/support/worker-context';
import { ScratchDatabase } from '../../../test/support/scratch-database';
import { AggregatorSettings } from './aggregator.settings';
import { DossierBatchHandler } from './dossier-batch.handler';

/**
 * Issue 11: one dossier's records on two partitions (partitions added to the validated topic, or
 * a producer keyed differently) are applied by two consumer instances at once. Two handlers, each
 * with its own connection pool as two aggregator processes would have, apply interleaved batches
 * of the same dossiers concurrently on the real PostgreSQL; the dossiers and day counters must be
 * those a single handler gives applying the same batches one after the other.
 */
describe('DossierBatchHandler under concurrency (real PostgreSQL)', () => {
  let ctx: WorkerContext;
  let secondPool: DataSource;
  let reference: ScratchDatabase;
  const T = Date.parse('2025-07-01T08:00:00+07:00');
  const DAY = 86_400_000;
  const UNITS = ['28756', '28777', '28783'];

  /** A seeded generator (mulberry32), so a failure reproduces. */
  function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
  }

  /**
   * Events of `dossiers` dossiers in dossier order, each sent to partition 0 or 1 at random, with
   * re-sent RECEIVED events (a new id and a later time, which must not win) and exact duplicates,
   * so both partitions walk the same dossiers at about the same pace.
   */
  function feed(dossiers: number, seed: number): [string[], string[]] {
    const random = prng(seed);
    let n = 0;
    const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const parts: [string[], string[]] = [[], []];
    for (let d = 0; d < dossiers; d++) {
      const base = { dossierId: `d-${d}`, unitCode: UNITS[d % UNITS.length], procedureCode: '1.001612' };
      const receivedAt = T + Math.floor(random() * 20) * DAY + Math.floor(random() * 8 * 3_600_000);
      const dueAt = receivedAt + (1 + Math.floor(random() * 5)) * DAY;
      const channel = random() < 0.6 ? 'ONLINE' : 'DIRECT';
      const events: Record<string, unknown>[] = [{ eventId: id(), type: 'RECEIVED', occurredAt: receivedAt, channel, dueAt, ...base }];
      if (random() < 0.3) events.push({ eventId: id(), type: 'RECEIVED', occurredAt: receivedAt + 60_000, channel: channel === 'ONLINE' ? 'DIRECT' : 'ONLINE', dueAt, ...base });
      if (random() < 0.3) events.push({ eventId: id(), type: 'LATE', occurredAt: dueAt + 3_600_000, dueAt, ...base });
      if (random() < 0.7) events.push({ eventId: id(), type: 'RESOLVED', occurredAt: receivedAt + Math.floor(random() * 7 * DAY), dueAt, ...base });
      if (random() < 0.2) events.push(events[Math.floor(random() * events.length)]);
      for (const e of events) parts[random() < 0.5 ? 0 : 1].push(JSON.stringify(e));
    }
    return parts;
  }

  const batches = (topic: string, partition: number, values: string[], size: number): PartitionBatch[] => {
    const out: PartitionBatch[] = [];
    for (let i = 0; i < values.length; i += size) out.push({ ...batchOf(topic, values.slice(i, i + size), i), partition });
    return out;
  };

  /** What the batch consumer does with a failed batch: the same batch again while the failure is transient. */
  async function applyRetrying(handler: DossierBatchHandler, batch: PartitionBatch, transient: string[]): Promise<void> {
    for (;;) {
      try {
        await handler.handle(batch);
        return;
      } catch (error) {
        const failure = classifyFailure(error);
        if (failure.kind !== 'transient') throw error;
        transient.push(failure.code ?? failure.message);
      }
    }
  }

  const dossierRows = (ds: DataSource) =>
    ds.query(`SELECT unit_code, dossier_id, procedure_code, received_at, received_event_id, channel, receipt_due_at, resolved_at, resolved_event_id,
                     resolution_due_at, late_flagged_at, late_event_id, late_due_at
                FROM dossiers ORDER BY unit_code, dossier_id`);
  const counterRows = (ds: DataSource) =>
    ds.query(`SELECT unit_code, day::text, received_total, received_online, received_direct, resolved_total, resolved_on_time, resolved_late,
                     open_change, overdue_change
                FROM unit_daily_counters ORDER BY unit_code, day`);

  beforeAll(async () => {
    ctx = await WorkerContext.create('aggregator', AggregatorSettings, [DossierBatchHandler], '2025-07-31T12:00:00+07:00');
    secondPool = await new DataSource(dataSourceOptions(process.env.DATABASE_URL!, { schema: ctx.db.schema, poolSize: 2, appName: 'tthc-int-spec-b' })).initialize();
    reference = await ScratchDatabase.create();
    await upsertUnits(reference.dataSource, loadUnitCatalogue());
  });
  afterAll(async () => {
    await secondPool?.destroy();
    await reference?.close();
    await ctx?.close();
  });

  it('two instances applying interleaved batches of the same dossiers end where one instance applying them in turn does', async () => {
    const topic = ctx.env.TOPIC_VALIDATED!;
    const settings = ctx.app.get<AggregatorSettings>(SETTINGS);
    const make = (ds: DataSource) => new DossierBatchHandler(ds, ctx.app.get(DeadLetterWriter), settings, ctx.app.get(LOGGER));
    const [p0, p1] = feed(400, 11);
    const size = 4;
    const b0 = batches(topic, 0, p0, size);
    const b1 = batches(topic, 1, p1, size);

    // Serially, on a schema of its own: partition 0's batches and partition 1's alternately.
    const serial = make(reference.dataSource);
    for (let i = 0; i < Math.max(b0.length, b1.length); i++) {
      if (b0[i]) await serial.handle(b0[i]);
      if (b1[i]) await serial.handle(b1[i]);
    }

    // Concurrently: instance A consumes partition 0 while instance B consumes partition 1.
    const a = ctx.app.get(DossierBatchHandler);
    const b = make(secondPool);
    const transient: string[] = [];
    await Promise.all([
      (async () => {
        for (const batch of b0) await applyRetrying(a, batch, transient);
      })(),
      (async () => {
        for (const batch of b1) await applyRetrying(b, batch, transient);
      })(),
    ]);

    // Every record is valid: nothing dead-lettered, so the comparison is over the whole feed.
    expect(await reference.query(`SELECT count(*)::int AS n FROM rejected_events`)).toEqual([{ n: 0 }]);
    const expectedDossiers = await dossierRows(reference.dataSource);
    const expectedCounters = await counterRows(reference.dataSource);
    expect(expectedDossiers).toHaveLength(400);
    expect(expectedCounters.length).toBeGreaterThan(20);
    expect(await dossierRows(ctx.db.dataSource)).toEqual(expectedDossiers);
    expect(await counterRows(ctx.db.dataSource)).toEqual(expectedCounters);
    // Locks taken in one order never deadlock (a lock timeout on a crowded machine would be retried, and is allowed).
    expect(transient.filter((code) => code === '40P01')).toEqual([]);
  });
});
