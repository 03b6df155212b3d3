import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { UnitSnapshot } from '@tthc/contracts';
import { LiveMetricsStore } from './live-metrics.store';

/** The compare-and-write of the live snapshot, on the real Redis: a lower version never replaces a higher one. */
describe('LiveMetricsStore.write (real Redis)', () => {
  let redis: Redis;
  let store: LiveMetricsStore;
  const T = Date.parse('2025-07-31T05:00:00Z');
  const snapshot = (unitCode: string, version: number | undefined, asOfMs: number, receivedTotal: number) =>
    ({ unitCode, asOf: new Date(asOfMs).toISOString(), version, today: { receivedTotal } }) as unknown as UnitSnapshot;
  const figure = async (unitCode: string) => {
    const { snapshots } = await store.readProvince('86');
    return (snapshots.find((s) => s.unitCode === unitCode)?.today as { receivedTotal: number } | undefined)?.receivedTotal;
  };
  const write = (s: UnitSnapshot, options: { ifAbsent?: boolean; staleAfterMs?: number } = {}) =>
    store.write([{ provinceCode: '86', snapshot: s, ifAbsent: options.ifAbsent }], { staleAfterMs: options.staleAfterMs ?? 30_000 });

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL!, { lazyConnect: false, maxRetriesPerRequest: 1 });
    store = new LiveMetricsStore(redis, `int-store-${randomBytes(4).toString('hex')}`);
  });
  afterAll(async () => {
    await redis.del(store.key('86'), store.versionsKey('86'), store.completeKey('86'));
    redis.disconnect();
  });

  it('refuses a lower version over a higher one and reports it; writes an equal or higher one', async () => {
    expect(await write(snapshot('80001', 5, T, 50))).toEqual({ refused: [] });
    // Read before the batch that made version 5, written after: refused, the figure stays.
    expect(await write(snapshot('80001', 4, T + 1_000, 40))).toEqual({ refused: ['80001'] });
    expect(await figure('80001')).toBe(50);
    expect(await write(snapshot('80001', 5, T + 2_000, 51))).toEqual({ refused: [] });
    expect(await figure('80001')).toBe(51);
    expect(await write(snapshot('80001', 6, T + 3_000, 60))).toEqual({ refused: [] });
    expect(await figure('80001')).toBe(60);
  });

  it('compares each unit of one write on its own, and marks the province complete with a full refresh', async () => {
    await write(snapshot('80002', 9, T, 90));
    const { refused } = await store.write(
      [
        { provinceCode: '86', snapshot: snapshot('80002', 8, T, 80) },
        { provinceCode: '86', snapshot: snapshot('80003', 1, T, 10) },
      ],
      { complete: true },
    );
    expect(refused).toEqual(['80002']);
    expect(await figure('80002')).toBe(90);
    expect(await figure('80003')).toBe(10);
    expect(await store.incomplete(['86'])).toEqual([]);
  });

  it('writes over a snapshot stored before versions (none stored for its unit)', async () => {
    await redis.hset(store.key('86'), '80004', JSON.stringify(snapshot('80004', undefined, T, 1)));
    expect(await write(snapshot('80004', 0, T, 2))).toEqual({ refused: [] });
    expect(await figure('80004')).toBe(2);
  });

  it('writes `ifAbsent` only where the unit has no snapshot, whatever the versions', async () => {
    expect(await write(snapshot('80005', 1, T, 5), { ifAbsent: true })).toEqual({ refused: [] });
    expect(await write(snapshot('80005', 99, T, 6), { ifAbsent: true })).toEqual({ refused: ['80005'] });
    expect(await figure('80005')).toBe(5);
    // And the version it stored is the one its owner's writes are compared with.
    expect(await write(snapshot('80005', 1, T, 7))).toEqual({ refused: [] });
    expect(await figure('80005')).toBe(7);
  });

  it('never lets a version that nobody has rewritten for `staleAfterMs` block a unit (PostgreSQL restored from a backup)', async () => {
    await write(snapshot('80006', 1_000, T, 100));
    expect(await write(snapshot('80006', 3, T + 30_000, 3), { staleAfterMs: 30_000 })).toEqual({ refused: ['80006'] });
    expect(await write(snapshot('80006', 3, T + 30_001, 3), { staleAfterMs: 30_000 })).toEqual({ refused: [] });
    expect(await figure('80006')).toBe(3);
    // From then on the restored versions count.
    expect(await write(snapshot('80006', 2, T + 31_000, 2))).toEqual({ refused: ['80006'] });
  });
});
