import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import type { UnitSnapshot } from '@tthc/contracts';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock, LOGGER, PRODUCER, REDIS, SETTINGS, UnitDirectory } from '@tthc/infrastructure';
import { LiveMetricsStore } from '@tthc/live-metrics';
import { createKafka, partitionOfKey, withAdmin } from '@tthc/messaging';
import { type Logger, createLogger } from '@tthc/platform';
import { batchOf, WorkerContext } from '../../../test/support/worker-context';
import { AggregatorSettings } from './aggregator.settings';
import { DossierBatchHandler } from './dossier-batch.handler';
import { LiveSnapshotPublisher } from './live-snapshot.publisher';
import { REFRESH_SLICES } from './refresh-slices';

/**
 * The live snapshot keeps each unit's past-day sums between flushes and reads only today's rows
 * (PastWindowSums): on the real PostgreSQL, Redis and Kafka, every flush must publish what a full
 * recompute from the day rows publishes, late events on past days included.
 */
describe('LiveSnapshotPublisher (real PostgreSQL, Redis, Kafka)', () => {
  const unit = '28756';
  let ctx: WorkerContext;
  let handler: DossierBatchHandler;
  let publisher: LiveSnapshotPublisher;
  let store: LiveMetricsStore;
  let offset = 0;
  let n = 0;
  const metricsTopic = `int.${randomBytes(4).toString('hex')}.metrics.units`;
  // The aggregator's clock: 31 July, noon, unless a test moves it (and puts it back).
  const NOON = Date.parse('2025-07-31T12:00:00+07:00');
  let nowMs = NOON;

  const ev = (day: string, type: 'RECEIVED' | 'RESOLVED' = 'RECEIVED', dossier = `d-${++n}`, unitCode = unit) =>
    JSON.stringify({
      eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      type,
      dossierId: dossier,
      unitCode,
      procedureCode: '1.001612',
      occurredAt: Date.parse(`${day}T09:00:00+07:00`), // the validated wire form: epoch ms
      channel: type === 'RECEIVED' ? 'ONLINE' : undefined,
      dueAt: Date.parse(`${day}T17:00:00+07:00`),
    });

  /** Applies events as one batch and hands the result to the publisher as the controller does (`tell*` false: leaves that part out). */
  const apply = async (events: string[], tell = true, tellOverdue = true) => {
    const r = await handler.handle(batchOf(ctx.env.TOPIC_VALIDATED!, events, offset));
    offset += events.length;
    publisher.markDirty(r.changedUnits, false, tell ? r.earliestDays : undefined, tellOverdue ? r.overdueChangeFrom : undefined);
  };
  const snapshot = async (unitCode = unit): Promise<Omit<UnitSnapshot, 'asOf'>> => {
    const { snapshots } = await store.readProvince('86');
    const { asOf: _asOf, ...figures } = snapshots.find((s) => s.unitCode === unitCode)!;
    return figures;
  };
  /** What the flush published, then what a full recompute of this member's units publishes. */
  const flushedThenFull = async () => {
    await publisher.flushDirty();
    const flushed = await snapshot();
    await publisher.refreshOwnUnits();
    return [flushed, await snapshot()];
  };

  beforeAll(async () => {
    const kafka = createKafka(process.env.KAFKA_BROKERS!, 'int-live', createLogger('int', 'error'));
    await withAdmin(kafka, (admin) => admin.createTopics({ waitForLeaders: true, topics: [{ topic: metricsTopic, numPartitions: 1 }] }));
    // The timers are left out of it: the spec flushes and refreshes by hand.
    ctx = await WorkerContext.create(
      'aggregator',
      AggregatorSettings,
      [DossierBatchHandler, LiveSnapshotPublisher],
      { now: () => nowMs },
      {
        TOPIC_UNIT_METRICS: metricsTopic,
        LIVE_FLUSH_MS: '60000',
        LIVE_REFRESH_MS: '3600000',
      },
    );
    handler = ctx.app.get(DossierBatchHandler);
    publisher = ctx.app.get(LiveSnapshotPublisher);
    store = new LiveMetricsStore(ctx.app.get<Redis>(REDIS), ctx.env.REDIS_KEY_PREFIX!);
    // The only member of a one-partition topic: every unit is its own from its first join.
    publisher.partitionsAssigned([0], 1);
    await publisher.flushDirty();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('publishes on every flush what a full recompute publishes: days before today, today, then a late event', async () => {
    await apply([ev('2025-07-01'), ev('2025-07-10'), ev('2025-07-31'), ev('2025-07-31')]);
    let [flushed, full] = await flushedThenFull();
    expect(flushed.rolling30d.receivedTotal).toBe(3); // 1 July is outside the 30 days (2–31 July)
    expect(flushed.monthToDate.receivedTotal).toBe(4);
    expect(flushed).toEqual(full);

    // Today only: the past sums kept from the last read stand.
    await apply([ev('2025-07-31'), ev('2025-07-31', 'RESOLVED', 'd-3')]);
    [flushed, full] = await flushedThenFull();
    expect(flushed.today.receivedTotal).toBe(3);
    expect(flushed).toEqual(full);

    // A late receipt on 12 July: the unit's past days are read again.
    await apply([ev('2025-07-12')]);
    [flushed, full] = await flushedThenFull();
    expect(flushed.rolling30d.receivedTotal).toBe(5);
    expect(flushed).toEqual(full);
  });

  it('keeps the past sums it read: a late event it is not told about shows when its unit comes round in the refresh slices', async () => {
    // The control for the test above: without the batch's earliest day the flush does not read the
    // past again, so what it publishes is stale until the unit's turn in the periodic re-read.
    await publisher.refreshOwnUnits();
    await apply([ev('2025-07-31')]);
    await publisher.flushDirty(); // reads today's rows, keeps the past sums
    const before = await snapshot();
    await apply([ev('2025-07-20')], false);
    await publisher.flushDirty();
    expect((await snapshot()).rolling30d.receivedTotal).toBe(before.rolling30d.receivedTotal);
    // One LIVE_REFRESH_MS of slices: every unit of the catalogue has had its turn.
    for (let i = 0; i < REFRESH_SLICES; i++) publisher.refreshSlice();
    await publisher.flushDirty();
    const sliced = await snapshot();
    await publisher.refreshOwnUnits();
    const full = await snapshot();
    expect(full.rolling30d.receivedTotal).toBe(before.rolling30d.receivedTotal + 1);
    expect(sliced).toEqual(full);
  });

  it('keeps the overdue count while nothing can have changed it, and reads it again when something did', async () => {
    // Two dossiers received on 2 July, due that day at 17:00: overdue by now (31 July, 12:00).
    await apply([ev('2025-07-02', 'RECEIVED', 'ov-1'), ev('2025-07-02', 'RECEIVED', 'ov-2')]);
    await publisher.refreshOwnUnits();
    const counted = (await snapshot()).overdueOpen;
    expect(counted).toBeGreaterThanOrEqual(2);

    // The control: one of them resolved, and the publisher not told when its count can change.
    // The kept count stands (stale), which is what shows it was not read again.
    await apply([ev('2025-07-31', 'RESOLVED', 'ov-1')], true, false);
    await publisher.flushDirty();
    expect((await snapshot()).overdueOpen).toBe(counted);

    // A receipt due next week: told, and nothing before next week can change; the count is kept (still stale).
    await apply([ev('2025-08-07')]);
    await publisher.flushDirty();
    expect((await snapshot()).overdueOpen).toBe(counted);

    // The other one resolved, told: read again, and both resolutions show.
    await apply([ev('2025-07-31', 'RESOLVED', 'ov-2')]);
    const [flushed, full] = await flushedThenFull();
    expect(flushed.overdueOpen).toBe(counted - 2);
    expect(flushed).toEqual(full);
  });

  it('shows a dossier as overdue at the first flush after its deadline, with nothing else happening in its unit', async () => {
    const MIN = 60_000;
    const receipt = JSON.stringify({
      eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      type: 'RECEIVED',
      dossierId: 'due-at-half-past',
      unitCode: unit,
      procedureCode: '1.001612',
      occurredAt: NOON - 60 * MIN,
      channel: 'DIRECT',
      dueAt: NOON + 30 * MIN,
    });
    await apply([receipt]);
    await publisher.refreshOwnUnits();
    const before = (await snapshot()).overdueOpen;
    try {
      nowMs = NOON + 30 * MIN; // the deadline itself: not overdue yet (from 1 ms after it)
      await publisher.flushDirty();
      expect((await snapshot()).overdueOpen).toBe(before);
      nowMs = NOON + 30 * MIN + 1;
      await publisher.flushDirty(); // no batch marked the unit: the lapsed count does
      const flushed = await snapshot();
      expect(flushed.overdueOpen).toBe(before + 1);
      await publisher.refreshOwnUnits();
      expect(flushed).toEqual(await snapshot());
    } finally {
      nowMs = NOON;
    }
  });
  it('writes and refreshes only the units of the partitions this member holds, and recomputes every unit it owns after a group join', async () => {
    // A second unit of the province that a two-partition validated topic puts in the other partition.
    const mine = partitionOfKey(unit, 2);
    const other = ctx.app
      .get(UnitDirectory)
      .all()
      .find((u) => u.provinceCode === '86' && partitionOfKey(u.code, 2) !== mine)!.code;
    publisher.partitionsAssigned([mine], 2);
    await publisher.flushDirty();
    const initially = (await snapshot(other)).rolling30d.receivedTotal;
    // Today's traffic in both: this member's unit is flushed (its past sums kept), the other's is left to its owner.
    await apply([ev('2025-07-31'), ev('2025-07-31', 'RECEIVED', undefined, other)]);
    await publisher.flushDirty();
    const before = { mine: (await snapshot()).rolling30d.receivedTotal, other: (await snapshot(other)).rolling30d.receivedTotal };
    expect(before.other).toBe(initially);

    // A late receipt in each, the publisher not told: both stale until refreshed.
    await apply([ev('2025-07-20'), ev('2025-07-20', 'RECEIVED', undefined, other)], false);
    await publisher.flushDirty();
    expect((await snapshot()).rolling30d.receivedTotal).toBe(before.mine);
    expect((await snapshot(other)).rolling30d.receivedTotal).toBe(before.other);

    // One LIVE_REFRESH_MS of slices: this member's unit is read again, the other member's is not.
    for (let i = 0; i < REFRESH_SLICES; i++) publisher.refreshSlice();
    await publisher.flushDirty();
    expect((await snapshot()).rolling30d.receivedTotal).toBe(before.mine + 1);
    expect((await snapshot(other)).rolling30d.receivedTotal).toBe(before.other);

    // A join that hands this member the other partition too: the other unit is recomputed from
    // every day at the next flush, with what it has in PostgreSQL since (today's receipt, the late one, one more).
    publisher.partitionsAssigned([0, 1], 2);
    await apply([ev('2025-07-31', 'RECEIVED', undefined, other)]);
    await publisher.flushDirty();
    expect((await snapshot(other)).rolling30d.receivedTotal).toBe(before.other + 3);
  });
  describe('beside another member', () => {
    const mine = partitionOfKey(unit, 2);
    let other: string;
    let redis: Redis;
    /** A snapshot of `other` as its owner last wrote it: figures this member never computes. */
    const ownersFigure = async () => {
      const figures = await snapshot(other);
      return { ...figures, unitCode: other, asOf: new Date(nowMs).toISOString(), today: { ...figures.today, receivedTotal: 999 } };
    };
    const keysPublishedSince = async (from: number) => (await ctx.read(metricsTopic)).slice(from).map((m) => m.key?.toString());

    beforeAll(() => {
      redis = ctx.app.get<Redis>(REDIS);
      other = ctx.app
        .get(UnitDirectory)
        .all()
        .find((u) => u.provinceCode === '86' && partitionOfKey(u.code, 2) !== mine)!.code;
    });
    afterAll(() => publisher.partitionsAssigned([0], 1));

    it('does not write a unit dirtied before a join that handed it to the other member', async () => {
      publisher.partitionsAssigned([0, 1], 2);
      await publisher.flushDirty();
      await apply([ev('2025-07-31', 'RECEIVED', undefined, other)]);
      publisher.partitionsAssigned([mine], 2);
      const owners = await ownersFigure();
      await redis.hset(store.key('86'), other, JSON.stringify(owners));
      const published = (await ctx.read(metricsTopic)).length;
      await publisher.flushDirty();
      expect((await snapshot(other)).today.receivedTotal).toBe(999);
      const keys = await keysPublishedSince(published);
      expect(keys).toContain(unit); // the join's recompute of its own units, published again
      expect(keys).not.toContain(other);
    });

    it('does not write or publish a unit that a join during its recompute handed to the other member', async () => {
      publisher.partitionsAssigned([0, 1], 2);
      await publisher.flushDirty();
      await apply([ev('2025-07-31'), ev('2025-07-31', 'RECEIVED', undefined, other)]);
      const owners = await ownersFigure();
      await redis.hset(store.key('86'), other, JSON.stringify(owners));
      const published = (await ctx.read(metricsTopic)).length;
      // The join lands while the flush is under way: after it chose its units, before it read them.
      const internals = publisher as unknown as { store: LiveMetricsStore };
      const incomplete = internals.store.incomplete.bind(internals.store);
      const spy = jest.spyOn(internals.store, 'incomplete').mockImplementationOnce(async (provinces) => {
        const lost = await incomplete(provinces);
        publisher.partitionsAssigned([mine], 2);
        return lost;
      });
      try {
        await publisher.flushDirty();
      } finally {
        spy.mockRestore();
      }
      expect((await snapshot(other)).today.receivedTotal).toBe(999);
      expect(await keysPublishedSince(published)).not.toContain(other);
    });

    it('neither writes nor publishes figures it read before a batch once the new owner wrote the figures after it (a join this member has not seen yet)', async () => {
      // Both believe they own every unit: the other member has joined, this one has not seen the join.
      const newOwner = new LiveSnapshotPublisher(
        ctx.app.get(DataSource),
        ctx.app.get(UnitDirectory),
        ctx.app.get<Redis>(REDIS),
        ctx.app.get<Producer>(PRODUCER),
        ctx.app.get<AggregatorSettings>(SETTINGS),
        ctx.app.get<Clock>(CLOCK),
        ctx.app.get<Logger>(LOGGER),
      );
      publisher.partitionsAssigned([0], 1);
      await publisher.flushDirty();
      newOwner.partitionsAssigned([0], 1);
      await newOwner.flushDirty();
      await apply([ev('2025-07-31')]);
      const before = (await snapshot()).today.receivedTotal;
      let published = 0;
      // This member's flush reads, then the new owner's batch commits and its flush writes and
      // publishes, then this member's write arrives: older figures, after newer ones.
      const internals = publisher as unknown as { store: LiveMetricsStore };
      const write = internals.store.write.bind(internals.store);
      const spy = jest.spyOn(internals.store, 'write').mockImplementationOnce(async (snapshots, options) => {
        expect(snapshots.find((s) => s.snapshot.unitCode === unit)?.snapshot.today.receivedTotal).toBe(before + 1);
        await apply([ev('2025-07-31')], false);
        newOwner.markDirty([unit]);
        await newOwner.flushDirty();
        published = (await ctx.read(metricsTopic)).length;
        return write(snapshots, options);
      });
      try {
        await publisher.flushDirty();
      } finally {
        spy.mockRestore();
      }
      expect((await snapshot()).today.receivedTotal).toBe(before + 2);
      const after = (await ctx.read(metricsTopic)).slice(published).filter((m) => m.key?.toString() === unit);
      expect(after).toEqual([]);
      // The new owner's snapshot is the unit's last on the topic.
      const last = (await ctx.read(metricsTopic)).filter((m) => m.key?.toString() === unit).at(-1)!;
      expect((JSON.parse(last.value!.toString()) as UnitSnapshot).today.receivedTotal).toBe(before + 2);
    });

    it("rebuilds a snapshot Redis lost without putting older figures over the other member's, and publishes only its own units", async () => {
      publisher.partitionsAssigned([mine], 2);
      await publisher.flushDirty();
      const before = (await snapshot()).today.receivedTotal;
      // Redis restarted empty, and the other member has already written its unit since.
      await redis.del(store.key('86'), store.completeKey('86'));
      await redis.hset(store.key('86'), other, JSON.stringify({ unitCode: other, marker: 'owner' }));
      const published = (await ctx.read(metricsTopic)).length;
      await apply([ev('2025-07-31')]);
      await publisher.flushDirty();

      const { complete, snapshots } = await store.readProvince('86');
      expect(complete).toBe(true);
      expect(snapshots.find((s) => s.unitCode === other)).toEqual({ unitCode: other, marker: 'owner' });
      expect(snapshots).toHaveLength(
        ctx.app
          .get(UnitDirectory)
          .all()
          .filter((u) => u.provinceCode === '86').length,
      );
      expect((await snapshot()).today.receivedTotal).toBe(before + 1);
      const keys = await keysPublishedSince(published);
      expect(keys).toContain(unit);
      expect(keys.filter((k) => partitionOfKey(k!, 2) !== mine)).toEqual([]);
    });
  });
});
