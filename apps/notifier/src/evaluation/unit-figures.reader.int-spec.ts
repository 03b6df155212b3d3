import type { UnitSnapshot, WindowFigures } from '@tthc/contracts';
import { type DayFacts, zeroCounters } from '@tthc/domain';
import { applyCounterDeltas } from '@tthc/persistence';
import { ScratchDatabase } from '../../../../test/support/scratch-database';
import { UnitFiguresReader } from './unit-figures.reader';

/** The figures stage on the real PostgreSQL: what a snapshot carries is taken from it, the rest read from the store. */
describe('UnitFiguresReader (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  const NOW = Date.parse('2025-07-31T12:00:00+07:00');
  const ROLLING = { name: 'rolling30d', from: '2025-07-02', to: '2025-07-31' };
  const WEEK = { name: 'rolling7d', from: '2025-07-25', to: '2025-07-31' };
  const facts = (receivedTotal: number): DayFacts => ({ ...zeroCounters(), receivedTotal, receivedOnline: receivedTotal, openChange: 0, overdueChange: 0 });
  const window = (from: string, to: string, receivedTotal: number): WindowFigures => ({
    from, to, ...zeroCounters(), receivedTotal, receivedOnline: receivedTotal, onlineRate: 1, onTimeRate: null,
  });
  /** A snapshot whose figures differ from the store's, so the test sees which one was used. */
  const snapshot = (asOf: number, rollingTotal = 99, overdueOpen = 7): UnitSnapshot => ({
    unitCode: '28756', asOf: new Date(asOf).toISOString(), today: window('2025-07-31', '2025-07-31', 0),
    monthToDate: window('2025-07-01', '2025-07-31', rollingTotal), rolling30d: window('2025-07-02', '2025-07-31', rollingTotal), overdueOpen,
  });
  const received = (figures: Awaited<ReturnType<UnitFiguresReader['read']>>, unit: string, span: string) => figures.get(unit)?.windows.get(span)?.receivedTotal;

  beforeAll(async () => {
    db = await ScratchDatabase.create();
    // 28756: 10 dossiers on 20 July and 3 on 30 July; one open dossier past its deadline.
    await applyCounterDeltas(db.dataSource, [
      { unitCode: '28756', day: '2025-07-20', counters: facts(10) },
      { unitCode: '28756', day: '2025-07-30', counters: facts(3) },
      { unitCode: '28777', day: '2025-07-30', counters: facts(5) },
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
    const figures = await new UnitFiguresReader(db.dataSource).read(['28756', '28777'], [ROLLING, WEEK], true, NOW);
    expect([received(figures, '28756', 'rolling30d'), received(figures, '28756', 'rolling7d'), figures.get('28756')?.overdueOpen]).toEqual([13, 3, 1]);
    expect([received(figures, '28777', 'rolling30d'), figures.get('28777')?.overdueOpen]).toEqual([5, 0]);
  });

  it('takes the windows a snapshot carries from it, and reads only the others', async () => {
    const figures = await new UnitFiguresReader(db.dataSource).read(['28756'], [ROLLING, WEEK], true, NOW, new Map([['28756', snapshot(NOW)]]));
    expect([received(figures, '28756', 'rolling30d'), received(figures, '28756', 'rolling7d'), figures.get('28756')?.overdueOpen]).toEqual([99, 3, 7]);
  });

  it('reads from the store a snapshot made before its window’s days (yesterday’s 30 days)', async () => {
    const yesterday = { ...snapshot(NOW - 86_400_000), rolling30d: window('2025-07-01', '2025-07-30', 99) };
    const figures = await new UnitFiguresReader(db.dataSource).read(['28756'], [ROLLING], false, NOW, new Map([['28756', yesterday]]));
    expect(received(figures, '28756', 'rolling30d')).toBe(13);
  });

  it('does not go back to a snapshot older than its last read of the store for that unit', async () => {
    const reader = new UnitFiguresReader(db.dataSource);
    await reader.read(['28756'], [ROLLING], true, NOW);
    const stale = await reader.read(['28756'], [ROLLING], true, NOW + 1000, new Map([['28756', snapshot(NOW - 1000)]]));
    expect([received(stale, '28756', 'rolling30d'), stale.get('28756')?.overdueOpen]).toEqual([13, 1]);
    const fresh = await reader.read(['28756'], [ROLLING], true, NOW + 2000, new Map([['28756', snapshot(NOW + 1500)]]));
    expect([received(fresh, '28756', 'rolling30d'), fresh.get('28756')?.overdueOpen]).toEqual([99, 7]);
  });

  it('reads from the store for a snapshot without a readable time', async () => {
    const figures = await new UnitFiguresReader(db.dataSource).read(['28756'], [ROLLING], true, NOW, new Map([['28756', { ...snapshot(NOW), asOf: 'yesterday' }]]));
    expect([received(figures, '28756', 'rolling30d'), figures.get('28756')?.overdueOpen]).toEqual([13, 1]);
  });
});
