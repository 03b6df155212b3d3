import type { UnitSnapshot, WindowFigures } from '@tthc/contracts';
import { type DayFacts, WINDOW_COUNT_FIELDS, type WindowCountField, zeroCounters, zeroIndicatorCounts, zeroWindowCounts } from '@tthc/domain';
import { applyCounterDeltas, applyIndicatorDeltas } from '@tthc/persistence';
import { ScratchDatabase } from '../../../../test/support/scratch-database';
import type { FigureNeeds } from './observation.stage';
import { UnitFiguresReader } from './unit-figures.reader';

/** The figures stage on the real PostgreSQL: what a snapshot carries is taken from it, the rest read from the store. */
describe('UnitFiguresReader (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  const NOW = Date.parse('2025-07-31T12:00:00+07:00');
  const ROLLING = { name: 'rolling30d', from: '2025-07-02', to: '2025-07-31' };
  const WEEK = { name: 'rolling7d', from: '2025-07-25', to: '2025-07-31' };
  const facts = (receivedTotal: number): DayFacts => ({ ...zeroCounters(), receivedTotal, receivedOnline: receivedTotal, openChange: 0, overdueChange: 0 });
  const window = (from: string, to: string, receivedTotal: number): WindowFigures => ({
    from,
    to,
    ...zeroWindowCounts(),
    receivedTotal,
    receivedOnline: receivedTotal,
    onlineRate: 1,
    onTimeRate: null,
    fullyOnlineRate: null,
  });
  /** A snapshot whose figures differ from the store's, so the test sees which one was used. */
  const snapshot = (asOf: number, rollingTotal = 99, overdueOpen = 7): UnitSnapshot => ({
    unitCode: '28756',
    asOf: new Date(asOf).toISOString(),
    today: window('2025-07-31', '2025-07-31', 0),
    monthToDate: window('2025-07-01', '2025-07-31', rollingTotal),
    rolling30d: window('2025-07-02', '2025-07-31', rollingTotal),
    overdueOpen,
  });
  /** The windows, the overdue count or not, and every count unless the test narrows them. */
  const needs = (spans: FigureNeeds['spans'], overdue: boolean, fields: WindowCountField[] = [...WINDOW_COUNT_FIELDS]): FigureNeeds => ({ spans, fields, overdue });
  const received = (figures: Awaited<ReturnType<UnitFiguresReader['read']>>, unit: string, span: string) => figures.get(unit)?.windows.get(span)?.receivedTotal;

  beforeAll(async () => {
    db = await ScratchDatabase.create();
    // 28756: 10 dossiers on 20 July and 3 on 30 July; one open dossier past its deadline.
    await applyCounterDeltas(db.dataSource, [
      { unitCode: '28756', day: '2025-07-20', counters: facts(10) },
      { unitCode: '28756', day: '2025-07-30', counters: facts(3) },
      { unitCode: '28777', day: '2025-07-30', counters: facts(5) },
    ]);
    // Issue 15: 8 v2 receipts on 30 July, 6 of them fully online, in the (unit, procedure, day) rows.
    await applyIndicatorDeltas(db.dataSource, [
      { unitCode: '28756', procedureCode: '1.001193', day: '2025-07-30', counts: { ...zeroIndicatorCounts(), receivedV2: 5, fullyOnline: 4 } },
      { unitCode: '28756', procedureCode: '1.004194', day: '2025-07-30', counts: { ...zeroIndicatorCounts(), receivedV2: 3, fullyOnline: 2 } },
    ]);
    await db.query(
      `INSERT INTO dossiers (unit_code, dossier_id, procedure_code, received_at, receipt_due_at)
       VALUES ('28756', 'd-1', '1.001612', '2025-07-20T01:00:00Z', '2025-07-25T10:00:00Z')`,
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  it('without a snapshot, reads every window and the overdue count from the store', async () => {
    const figures = await new UnitFiguresReader(db.dataSource).read(['28756', '28777'], needs([ROLLING, WEEK], true), NOW);
    expect([received(figures, '28756', 'rolling30d'), received(figures, '28756', 'rolling7d'), figures.get('28756')?.overdueOpen]).toEqual([13, 3, 1]);
    expect([received(figures, '28777', 'rolling30d'), figures.get('28777')?.overdueOpen]).toEqual([5, 0]);
  });

  it('takes the windows a snapshot carries from it, and reads only the others', async () => {
    const figures = await new UnitFiguresReader(db.dataSource).read(['28756'], needs([ROLLING, WEEK], true), NOW, { snapshots: new Map([['28756', snapshot(NOW)]]) });
    expect([received(figures, '28756', 'rolling30d'), received(figures, '28756', 'rolling7d'), figures.get('28756')?.overdueOpen]).toEqual([99, 3, 7]);
  });

  it('reads from the store a snapshot made before its window’s days (yesterday’s 30 days)', async () => {
    const yesterday = { ...snapshot(NOW - 86_400_000), rolling30d: window('2025-07-01', '2025-07-30', 99) };
    const figures = await new UnitFiguresReader(db.dataSource).read(['28756'], needs([ROLLING], false), NOW, { snapshots: new Map([['28756', yesterday]]) });
    expect(received(figures, '28756', 'rolling30d')).toBe(13);
  });

  it('does not go back to a snapshot older than its last read of the store for that unit', async () => {
    const reader = new UnitFiguresReader(db.dataSource);
    await reader.read(['28756'], needs([ROLLING], true), NOW);
    const stale = await reader.read(['28756'], needs([ROLLING], true), NOW + 1000, { snapshots: new Map([['28756', snapshot(NOW - 1000)]]) });
    expect([received(stale, '28756', 'rolling30d'), stale.get('28756')?.overdueOpen]).toEqual([13, 1]);
    const fresh = await reader.read(['28756'], needs([ROLLING], true), NOW + 2000, { snapshots: new Map([['28756', snapshot(NOW + 1500)]]) });
    expect([received(fresh, '28756', 'rolling30d'), fresh.get('28756')?.overdueOpen]).toEqual([99, 7]);
  });

  it('reads the overdue count from the store when told to (the clock tick), and still takes the windows from the snapshot', async () => {
    const reader = new UnitFiguresReader(db.dataSource);
    const tick = await reader.read(['28756'], needs([ROLLING], true), NOW, { snapshots: new Map([['28756', snapshot(NOW - 5000)]]), overdueFromSnapshots: false });
    expect([received(tick, '28756', 'rolling30d'), tick.get('28756')?.overdueOpen]).toEqual([99, 1]);
    // That read covered the overdue count only: a snapshot older than it still answers the windows, not the count.
    const lagging = await reader.read(['28756'], needs([ROLLING], true), NOW + 1000, { snapshots: new Map([['28756', snapshot(NOW - 1000, 98)]]) });
    expect([received(lagging, '28756', 'rolling30d'), lagging.get('28756')?.overdueOpen]).toEqual([98, 1]);
    const newer = await reader.read(['28756'], needs([ROLLING], true), NOW + 2000, { snapshots: new Map([['28756', snapshot(NOW + 1500, 97)]]) });
    expect([received(newer, '28756', 'rolling30d'), newer.get('28756')?.overdueOpen]).toEqual([97, 7]);
  });

  it('on the clock tick, judges again on what it read from the store until a snapshot made since says the unit changed', async () => {
    const reader = new UnitFiguresReader(db.dataSource);
    const tick = (at: number, spans = [ROLLING], snapshots = new Map<string, UnitSnapshot>()) =>
      reader.read(['28756', '28777'], needs(spans, false), at, { snapshots, overdueFromSnapshots: false, reuseStoreReads: true });
    await tick(NOW);
    expect(reader.unitsReadFromStore).toBe(2);
    const again = await tick(NOW + 15_000);
    expect([received(again, '28756', 'rolling30d'), received(again, '28777', 'rolling30d'), reader.unitsReadFromStore]).toEqual([13, 5, 2]);
    // A snapshot made before the read: the read stands. One made after it: the unit is judged on the snapshot.
    const older = await tick(NOW + 30_000, [ROLLING], new Map([['28756', snapshot(NOW - 1000)]]));
    expect([received(older, '28756', 'rolling30d'), reader.unitsReadFromStore]).toEqual([13, 2]);
    const newer = await tick(NOW + 45_000, [ROLLING], new Map([['28756', snapshot(NOW + 40_000)]]));
    expect([received(newer, '28756', 'rolling30d'), received(newer, '28777', 'rolling30d'), reader.unitsReadFromStore]).toEqual([99, 5, 2]);
    // Past midnight the window covers other days: read again, for both.
    const nextDay = { name: 'rolling30d', from: '2025-07-03', to: '2025-08-01' };
    await tick(NOW + 86_400_000, [nextDay], new Map([['28756', snapshot(NOW + 40_000)]]));
    expect(reader.unitsReadFromStore).toBe(4);
    // Without reuse (after metric changes) every read goes to the store.
    await reader.read(['28777'], needs([ROLLING], false), NOW + 90_000);
    expect(reader.unitsReadFromStore).toBe(5);
  });

  it('on the clock tick, reads again a window the snapshots do not carry once a snapshot made after its read arrives', async () => {
    const reader = new UnitFiguresReader(db.dataSource);
    const tick = (at: number, snapshots: Map<string, UnitSnapshot>) => reader.read(['28756'], needs([WEEK], false), at, { snapshots, overdueFromSnapshots: false, reuseStoreReads: true });
    await tick(NOW, new Map());
    await tick(NOW + 15_000, new Map([['28756', snapshot(NOW - 1000)]]));
    expect(reader.unitsReadFromStore).toBe(1);
    const after = await tick(NOW + 30_000, new Map([['28756', snapshot(NOW + 20_000)]]));
    expect([reader.unitsReadFromStore, received(after, '28756', 'rolling7d')]).toEqual([2, 3]);
  });

  it('reads from the store for a snapshot without a readable time', async () => {
    const figures = await new UnitFiguresReader(db.dataSource).read(['28756'], needs([ROLLING], true), NOW, { snapshots: new Map([['28756', { ...snapshot(NOW), asOf: 'yesterday' }]]) });
    expect([received(figures, '28756', 'rolling30d'), figures.get('28756')?.overdueOpen]).toEqual([13, 1]);
  });

  it('reads the v2 counts from the (unit, procedure, day) rows, summed over procedures, beside the v1 counters', async () => {
    const figures = await new UnitFiguresReader(db.dataSource).read(['28756'], needs([ROLLING], false), NOW);
    expect(figures.get('28756')?.windows.get('rolling30d')).toMatchObject({ receivedTotal: 13, receivedV2: 8, fullyOnline: 6 });
  });

  it('sums only the counts the rules read: a table none of them is in is not read, the counts left out are 0', async () => {
    const v2Only = await new UnitFiguresReader(db.dataSource).read(['28756'], needs([ROLLING], false, ['fullyOnline', 'receivedV2']), NOW);
    expect(v2Only.get('28756')?.windows.get('rolling30d')).toEqual({ ...zeroWindowCounts(), receivedV2: 8, fullyOnline: 6 });
    const v1Only = await new UnitFiguresReader(db.dataSource).read(['28756', '28777'], needs([ROLLING, WEEK], false, ['resolvedTotal', 'receivedTotal']), NOW);
    expect(v1Only.get('28756')?.windows.get('rolling30d')).toEqual({ ...zeroWindowCounts(), receivedTotal: 13 });
    expect([received(v1Only, '28756', 'rolling7d'), received(v1Only, '28777', 'rolling30d')]).toEqual([3, 5]);
    // Only the overdue count judged: no window is summed at all, and the count is still read.
    const overdueOnly = await new UnitFiguresReader(db.dataSource).read(['28756'], needs([ROLLING], true, []), NOW);
    expect([overdueOnly.get('28756')?.windows.size, overdueOnly.get('28756')?.overdueOpen]).toEqual([0, 1]);
  });

  it('takes v2 counts from a snapshot that carries them, and reads a window from the store when its snapshot predates them', async () => {
    const withV2 = snapshot(NOW);
    withV2.rolling30d = { ...withV2.rolling30d, receivedV2: 50, fullyOnline: 45 };
    const fromSnapshot = await new UnitFiguresReader(db.dataSource).read(['28756'], needs([ROLLING], false), NOW, { snapshots: new Map([['28756', withV2]]) });
    expect(fromSnapshot.get('28756')?.windows.get('rolling30d')).toMatchObject({ receivedTotal: 99, receivedV2: 50, fullyOnline: 45 });
    const v1Only = snapshot(NOW);
    const { receivedV2: _a, fullyOnline: _b, ...older } = v1Only.rolling30d;
    v1Only.rolling30d = older as typeof v1Only.rolling30d;
    const fromStore = await new UnitFiguresReader(db.dataSource).read(['28756'], needs([ROLLING], false), NOW, { snapshots: new Map([['28756', v1Only]]) });
    expect(fromStore.get('28756')?.windows.get('rolling30d')).toMatchObject({ receivedTotal: 13, receivedV2: 8, fullyOnline: 6 });
  });
});
