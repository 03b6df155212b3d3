import type { Channel, DossierEvent, DossierState } from '@tthc/domain';
import type { Sql } from './sql';
import { ScratchDatabase } from '../../../test/support/scratch-database';
import { type WritePart, runWrites } from './combined-writes';
import { closeBatchGate, enterDossierBatch, enterSourceBatch, nextOffsetWrite, readNextOffsets, saveNextOffset } from './consumer-offsets.repository';
import { dossierWrites, loadDossiers, saveDossiers } from './dossier-state.repository';
import { appendNewRawEvents, recordNewRejections } from './raw-event-log.repository';
import { applyCounterDeltas, counterDeltaWrites, sumCountersByUnit } from './unit-counters.repository';
import { sumWindowCounts } from './window-counts.repository';

/** The repositories the pipeline writes through, on the real PostgreSQL (one scratch schema). */
describe('repositories (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await ScratchDatabase.create();
  });
  afterAll(async () => {
    await db?.close();
  });

  const T = Date.parse('2025-07-15T09:00:00+07:00');
  const event = (n: number, over: Partial<DossierEvent> = {}): DossierEvent => ({
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'RECEIVED',
    dossierId: `d-${n}`,
    unitCode: '28756',
    procedureCode: '1.001612',
    occurredAt: T,
    channel: 'ONLINE',
    dueAt: T + 86_400_000,
    ...over,
  });

  describe('raw event log', () => {
    it('appends each eventId once and returns only the new ones, however often it comes', async () => {
      const first = await appendNewRawEvents(
        db.dataSource,
        [event(1), event(2)].map((e, i) => ({ event: e, partition: 0, offset: String(i) })),
      );
      expect([...first].sort()).toEqual([event(1).eventId, event(2).eventId]);
      // Again, plus a new one, plus the new one twice in the same batch.
      const again = await appendNewRawEvents(
        db.dataSource,
        [event(1), event(3), event(3)].map((e, i) => ({ event: e, partition: 0, offset: String(10 + i) })),
      );
      expect([...again]).toEqual([event(3).eventId]);
      const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM raw_events`);
      expect(rows[0].n).toBe(3);
    });

    it('records a rejection once per source position, with its storage error when there is one', async () => {
      const dead = {
        topic: 'ev',
        partition: 1,
        offset: '7',
        key: null,
        payload: Buffer.from('{'),
        rejection: { code: 'STORAGE_REJECTED' as const, detail: 'PostgreSQL 23514: x' },
        storageError: { source: 'postgresql', code: '23514' },
      };
      expect([...(await recordNewRejections(db.dataSource, [dead]))]).toEqual(['1:7']);
      expect([...(await recordNewRejections(db.dataSource, [dead]))]).toEqual([]);
      const rows = await db.query(`SELECT reason_code, error_source, error_code, payload FROM rejected_events WHERE source_offset = 7`);
      expect(rows).toEqual([{ reason_code: 'STORAGE_REJECTED', error_source: 'postgresql', error_code: '23514', payload: Buffer.from('{') }]);
    });
  });

  describe('dossier state', () => {
    /** A dossier of unit 28756 received at T (event n), due a second later. */
    const receivedState = (dossierId: string, n: number, channel: Channel): DossierState => ({
      unitCode: '28756',
      dossierId,
      procedureCode: '1.001612',
      receipt: { eventId: event(n).eventId, occurredAt: T, dueAt: T + 1000, channel },
    });

    it('saves and loads every fact of a dossier, and overwrites on save', async () => {
      const state: DossierState = { ...receivedState('state-1', 11, 'DIRECT'), lateFlag: { eventId: event(12).eventId, occurredAt: T + 2000, dueAt: T + 1000 } };
      await saveDossiers(db.dataSource, [state], new Map());
      const stored = await loadDossiers(db.dataSource, [state]);
      expect(stored.get('28756\u0000state-1')).toEqual(state);
      const resolved = { ...state, resolution: { eventId: event(13).eventId, occurredAt: T + 3000, dueAt: T + 1000 } };
      await saveDossiers(db.dataSource, [resolved], stored);
      expect((await loadDossiers(db.dataSource, [state])).get('28756\u0000state-1')).toEqual(resolved);
    });

    it('writes only over what it loaded: a new dossier that is stored, or a loaded one that is gone, fails the write', async () => {
      const state = receivedState('state-guard', 14, 'ONLINE');
      await saveDossiers(db.dataSource, [state], new Map());
      // Written as new although stored: the insert meets the row (unique violation) instead of replacing it.
      await expect(saveDossiers(db.dataSource, [{ ...state, procedureCode: '2.000001' }], new Map())).rejects.toMatchObject({ driverError: { code: '23505' } });
      const ghost: DossierState = { ...state, dossierId: 'state-ghost' };
      await expect(saveDossiers(db.dataSource, [ghost], new Map([['28756\u0000state-ghost', ghost]]))).rejects.toThrow('1 of 1 loaded dossiers were no longer stored');
      expect((await loadDossiers(db.dataSource, [state, ghost])).size).toBe(1);
      expect((await loadDossiers(db.dataSource, [state])).get('28756\u0000state-guard')).toEqual(state);
    });

    it('loads every v2 fact and instants at the ends of the contract range to the millisecond', async () => {
      // Instants come back as float8 epoch seconds (loadDossiers' date_part), rounded to the millisecond.
      const first = Date.UTC(1999, 11, 31, 17);
      const last = Date.UTC(2099, 11, 31, 16, 59, 59, 999);
      const f = (n: number, at: number, due: number) => ({ eventId: event(n).eventId, occurredAt: at, dueAt: due });
      const states: DossierState[] = [
        {
          unitCode: '28756',
          dossierId: 'state-v2',
          procedureCode: '1.001612',
          procedureSource: { eventId: event(20).eventId, occurredAt: first, fromReceipt: false },
          receipt: { ...f(21, first, last), channel: 'ONLINE', fullyOnline: true, componentsDigitized: false },
          resolution: { ...f(22, last, first + 1), resultElectronic: false, resultDigitized: true, dataReused: true },
          lateFlag: f(23, 1_764_400_000_123, 1_764_400_000_001),
          payment: { ...f(24, T + 1, T + 999), method: 'COUNTER' },
          rating: { ...f(25, T + 7, T + 8), score: 5 },
          feedback: f(26, T + 9, T + 10),
          feedbackResolution: f(27, T + 11, T + 12),
          withdrawal: f(28, T + 13, T + 14),
        },
        { unitCode: '28756', dossierId: 'state-v2-bare', procedureCode: '2.000001', receipt: { ...f(29, T, T), channel: 'DIRECT', fullyOnline: false, componentsDigitized: true } },
        // Odd milliseconds late in the range, where a float8 of seconds has the fewest digits to spare.
        ...Array.from({ length: 300 }, (_, i): DossierState => ({
          unitCode: '28757',
          dossierId: `state-spread-${String(i).padStart(3, '0')}`,
          procedureCode: '1.001612',
          receipt: { ...f(30 + i, 4_000_000_000_000 + i * 7_919, last - i), channel: 'ONLINE' },
        })),
      ];
      await saveDossiers(db.dataSource, states, new Map());
      const loaded = await loadDossiers(db.dataSource, [...states, states[0]]);
      expect([...loaded.values()].sort((a, b) => a.dossierId.localeCompare(b.dossierId))).toEqual(states.sort((a, b) => a.dossierId.localeCompare(b.dossierId)));
    });

    it('probes the primary key per dossier instead of scanning history, however large the table', async () => {
      // A plain join of the keys with `dossiers` was planned as a hash join over a sequential
      // scan of the whole table, once per batch (issue 12).
      await db.query(`INSERT INTO dossiers (unit_code, dossier_id, procedure_code, updated_at) SELECT '28758', 'history-' || g, '1.001612', now() FROM generate_series(1, 50000) AS g`);
      await db.query(`ANALYZE dossiers`);
      const keys = Array.from({ length: 3000 }, (_, i) => ({ unitCode: '28758', dossierId: `history-${i * 13 + 1}` }));
      await db.dataSource.transaction(async (tx) => {
        // Since PostgreSQL 15 a backend flushes its counters at most once a second, so the view
        // may still hold an earlier transaction's scans on this connection: the load's are the difference.
        const scans = async () => {
          const [row]: { seq_scan: string; idx_scan: string }[] = await tx.query(`SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relid = 'dossiers'::regclass`);
          return { seq: Number(row.seq_scan), idx: Number(row.idx_scan) };
        };
        const before = await scans();
        expect((await loadDossiers(tx, keys)).size).toBe(3000);
        const after = await scans();
        expect(after.seq - before.seq).toBe(0);
        expect(after.idx - before.idx).toBeGreaterThanOrEqual(3000);
      });
    });

    it('loads nothing for dossiers it has never seen', async () => {
      expect((await loadDossiers(db.dataSource, [{ unitCode: '28756', dossierId: 'never' }])).size).toBe(0);
    });
  });

  describe('consumer offsets and the batch entry', () => {
    const entry = (partition: number, units: string[], group = 'g') => ({ group, topic: 'topic', partition, units, asynchronousCommit: true });

    it('has no offset before the first save, then the saved one, readable for seeking after a join', async () => {
      await db.dataSource.transaction(async (tx) => {
        expect(await enterDossierBatch(tx, entry(2, ['28756']))).toBeUndefined();
        await saveNextOffset(tx, 'g', 'topic', 2, '42');
      });
      await db.dataSource.transaction(async (tx) => expect(await enterDossierBatch(tx, entry(2, []))).toBe('42'));
      expect(await readNextOffsets(db.dataSource, 'g', 'topic')).toEqual(new Map([[2, '42']]));
      expect(await readNextOffsets(db.dataSource, 'other-group', 'topic')).toEqual(new Map());
    });

    it('refuses to store an offset for a partition that was never entered', async () => {
      await expect(saveNextOffset(db.dataSource, 'g', 'topic', 99, '7')).rejects.toThrow('no offset row of g topic/99');
    });

    it('turns off synchronous commit for the entered transaction only when asked', async () => {
      const setting = async (asynchronousCommit: boolean) =>
        db.dataSource.transaction(async (tx) => {
          await enterDossierBatch(tx, { ...entry(3, []), asynchronousCommit });
          return (await tx.query(`SELECT current_setting('synchronous_commit') AS v`))[0].v;
        });
      expect(await setting(true)).toBe('off');
      expect(await setting(false)).toBe('on');
    });

    /**
     * Whether entering `second` while another transaction holds `first` (or the closed gate) has
     * to wait: the second transaction gives up after 300 ms with 55P03 (lock_not_available).
     */
    async function waits(first: (tx: Sql) => Promise<unknown>, second: ReturnType<typeof entry>): Promise<boolean> {
      const holder = db.dataSource.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      try {
        await first(holder.manager);
        return await db.dataSource.transaction(async (tx) => {
          await tx.query(`SET LOCAL lock_timeout = '300ms'`);
          await tx.query('SAVEPOINT probe');
          try {
            await enterDossierBatch(tx, second);
            return false;
          } catch (e) {
            if ((e as { driverError?: { code?: string } }).driverError?.code !== '55P03') throw e;
            await tx.query('ROLLBACK TO SAVEPOINT probe');
            return true;
          }
        });
      } finally {
        await holder.rollbackTransaction();
        await holder.release();
      }
    }

    it('holds the partition, the units and the shared gate until its transaction ends', async () => {
      // Create the offset rows first, so only locks (not a first insert) can make a batch wait.
      for (const p of [4, 5]) await db.dataSource.transaction((tx) => enterDossierBatch(tx, entry(p, [])));
      const holding = (p: number, units: string[]) => (tx: Sql) => enterDossierBatch(tx, entry(p, units));
      // Another batch of the same partition (a zombie instance after a rebalance) waits.
      expect(await waits(holding(4, ['28756']), entry(4, ['28777']))).toBe(true);
      // Another partition's batch waits only when it shares a unit.
      expect(await waits(holding(4, ['28756', '28783']), entry(5, ['28777', '28783']))).toBe(true);
      expect(await waits(holding(4, ['28756']), entry(5, ['28777']))).toBe(false);
      // Batches share the gate; a rebuild closing it waits for them, and they for it.
      expect(await waits((tx) => closeBatchGate(tx, 'g'), entry(5, ['28777']))).toBe(true);
      expect(await waits((tx) => closeBatchGate(tx, 'other-group'), entry(5, ['28777']))).toBe(false);
    });
  });

  describe("a source batch's entry (ingest)", () => {
    const entry = (partition: number, nextOffset: string, asynchronousCommit = true) => ({ group: 'src', topic: 'events', partition, nextOffset, asynchronousCommit });

    it('stores the batch offset in its transaction, returns the one before, and never moves it back', async () => {
      await db.dataSource.transaction(async (tx) => expect(await enterSourceBatch(tx, entry(0, '10'))).toBeUndefined());
      expect(await readNextOffsets(db.dataSource, 'src', 'events')).toEqual(new Map([[0, '10']]));
      await db.dataSource.transaction(async (tx) => expect(await enterSourceBatch(tx, entry(0, '25'))).toBe('10'));
      // A redelivered batch (offsets 5..7) leaves the offset where it was.
      await db.dataSource.transaction(async (tx) => expect(await enterSourceBatch(tx, entry(0, '8'))).toBe('25'));
      expect(await readNextOffsets(db.dataSource, 'src', 'events')).toEqual(new Map([[0, '25']]));
    });

    it('rolls the offset back with a batch that fails', async () => {
      await db.dataSource.transaction((tx) => enterSourceBatch(tx, entry(1, '4')));
      await expect(
        db.dataSource.transaction(async (tx) => {
          await enterSourceBatch(tx, entry(1, '9'));
          throw new Error('the batch failed');
        }),
      ).rejects.toThrow('the batch failed');
      expect((await readNextOffsets(db.dataSource, 'src', 'events')).get(1)).toBe('4');
    });

    it('turns off synchronous commit for the entered transaction only when asked', async () => {
      const setting = (asynchronousCommit: boolean) =>
        db.dataSource.transaction(async (tx) => {
          await enterSourceBatch(tx, entry(2, '1', asynchronousCommit));
          return (await tx.query(`SELECT current_setting('synchronous_commit') AS v`))[0].v as string;
        });
      expect(await setting(true)).toBe('off');
      expect(await setting(false)).toBe('on');
      expect((await db.dataSource.query(`SELECT current_setting('synchronous_commit') AS v`))[0].v).toBe('on');
    });

    it('makes a second instance entering the same partition wait for the first', async () => {
      await db.dataSource.transaction((tx) => enterSourceBatch(tx, entry(3, '1')));
      const holder = db.dataSource.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      try {
        await enterSourceBatch(holder.manager, entry(3, '5'));
        const code = await db.dataSource
          .transaction(async (tx) => {
            await tx.query(`SET LOCAL lock_timeout = '300ms'`);
            await enterSourceBatch(tx, entry(3, '5'));
          })
          .then(
            () => 'entered',
            (e: { driverError?: { code?: string } }) => e.driverError?.code,
          );
        expect(code).toBe('55P03');
        // Another partition does not wait.
        await db.dataSource.transaction(async (tx) => {
          await tx.query(`SET LOCAL lock_timeout = '300ms'`);
          expect(await enterSourceBatch(tx, entry(4, '5'))).toBeUndefined();
        });
      } finally {
        await holder.rollbackTransaction();
        await holder.release();
      }
    });
  });

  describe('combined writes', () => {
    it("runs a batch's dossier, day-row and offset writes as one statement", async () => {
      await db.dataSource.transaction((tx) => enterDossierBatch(tx, { group: 'g', topic: 'combined', partition: 0, units: [], asynchronousCommit: false }));
      const fresh: DossierState = { unitCode: '28783', dossierId: 'combined-1', procedureCode: '1.001612', receipt: { eventId: event(90).eventId, occurredAt: T, dueAt: T + 1000, channel: 'ONLINE' } };
      const zero = { receivedTotal: 0, receivedOnline: 0, receivedDirect: 0, resolvedTotal: 0, resolvedOnTime: 0, resolvedLate: 0, openChange: 0, overdueChange: 0 };
      const parts: WritePart[] = [
        ...dossierWrites([fresh], new Map()),
        ...counterDeltaWrites([{ unitCode: '28783', day: '2025-07-15', counters: { ...zero, receivedTotal: 1, receivedOnline: 1, openChange: 1 } }]),
        nextOffsetWrite('g', 'combined', 0, '17'),
      ];
      let statements = 0;
      const counting: Sql = { query: (text: string, params?: unknown[]) => (statements++, db.dataSource.query(text, params)) };
      await runWrites(counting, parts);
      expect(statements).toBe(1);
      expect((await loadDossiers(db.dataSource, [fresh])).get('28783\u0000combined-1')).toEqual(fresh);
      expect((await sumCountersByUnit(db.dataSource, '2025-07-15', '2025-07-15', ['28783'])).get('28783')).toMatchObject({ receivedTotal: 1, receivedOnline: 1 });
      expect(await readNextOffsets(db.dataSource, 'g', 'combined')).toEqual(new Map([[0, '17']]));
    });

    it('writes nothing when one part fails its row count: the transaction rolls back', async () => {
      const ghost: DossierState = { unitCode: '28783', dossierId: 'combined-ghost', procedureCode: '1.001612' };
      const fresh: DossierState = { unitCode: '28783', dossierId: 'combined-2', procedureCode: '1.001612' };
      await expect(db.dataSource.transaction((tx) => runWrites(tx, [...dossierWrites([fresh, ghost], new Map([['28783\u0000combined-ghost', ghost]]))]))).rejects.toThrow(
        '1 of 1 loaded dossiers were no longer stored',
      );
      expect((await loadDossiers(db.dataSource, [fresh])).size).toBe(0);
    });
  });

  describe('day counters', () => {
    it('adds deltas to day rows, retractions included, and sums them per unit and window', async () => {
      const zero = { receivedTotal: 0, receivedOnline: 0, receivedDirect: 0, resolvedTotal: 0, resolvedOnTime: 0, resolvedLate: 0, openChange: 0, overdueChange: 0 };
      await applyCounterDeltas(db.dataSource, [
        { unitCode: '28777', day: '2025-07-14', counters: { ...zero, receivedTotal: 3, receivedOnline: 2, receivedDirect: 1 } },
        { unitCode: '28777', day: '2025-07-15', counters: { ...zero, receivedTotal: 1, receivedOnline: 1, resolvedTotal: 2, resolvedOnTime: 1, resolvedLate: 1 } },
      ]);
      // A winner change moves a receipt from the 15th back to the 14th.
      await applyCounterDeltas(db.dataSource, [
        { unitCode: '28777', day: '2025-07-15', counters: { ...zero, receivedTotal: -1, receivedOnline: -1 } },
        { unitCode: '28777', day: '2025-07-14', counters: { ...zero, receivedTotal: 1, receivedOnline: 1 } },
      ]);
      const sums = await sumCountersByUnit(db.dataSource, '2025-07-14', '2025-07-15', ['28777']);
      expect(sums.get('28777')).toEqual({ receivedTotal: 4, receivedOnline: 3, receivedDirect: 1, resolvedTotal: 2, resolvedOnTime: 1, resolvedLate: 1 });
      const windows = await sumWindowCounts(
        db.dataSource,
        [
          { name: 'day15', from: '2025-07-15', to: '2025-07-15' },
          { name: 'both', from: '2025-07-14', to: '2025-07-15' },
        ],
        ['28777'],
      );
      expect(windows.get('28777')!.get('day15')).toMatchObject({ receivedTotal: 0, resolvedTotal: 2 });
      expect(windows.get('28777')!.get('both')).toMatchObject({ receivedTotal: 4, resolvedTotal: 2 });
    });
  });
});
