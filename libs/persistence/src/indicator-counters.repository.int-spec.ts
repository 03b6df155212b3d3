import { type IndicatorDelta, type PeriodIndicatorCounts, zeroIndicatorCounts, zeroPeriodIndicatorCounts } from '@tthc/domain';
import { ScratchDatabase } from '../../../test/support/scratch-database';
import { applyIndicatorDeltas, storedIndicatorRows, sumIndicatorPeriods } from './indicator-counters.repository';

/** The (unit, procedure, day) indicator rows on the real PostgreSQL: additive upserts and exact period sums. */
describe('indicator counters (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await ScratchDatabase.create();
  });
  afterAll(async () => {
    await db?.close();
  });

  const delta = (unitCode: string, procedureCode: string, day: string, over: Partial<IndicatorDelta['counts']>): IndicatorDelta => ({
    unitCode,
    procedureCode,
    day,
    counts: { ...zeroIndicatorCounts(), ...over },
  });
  const period = (over: Partial<PeriodIndicatorCounts>): PeriodIndicatorCounts => ({ ...zeroPeriodIndicatorCounts(), ...over });

  beforeAll(async () => {
    await applyIndicatorDeltas(db.dataSource, [
      delta('U1', 'P1', '2025-06-30', { receivedTotal: 2, receivedOnline: 2, openChange: 2 }),
      delta('U1', 'P1', '2025-07-01', { receivedTotal: 3, receivedDirect: 3, receivedV2: 3, fullyOnline: 1, openChange: 3, handlingMsSum: 5_000_000_000 }),
      delta('U1', 'P2', '2025-07-02', { resolvedTotal: 1, resolvedOnTime: 1, openChange: -1, overdueChange: 1 }),
      delta('U2', 'P1', '2025-07-15', { paidOnline: 4, ratedCount: 2, ratingSum: 9 }),
    ]);
    // Deltas add up on the same row, retractions included, and a bigint sum beyond 2^31 stays exact.
    await applyIndicatorDeltas(db.dataSource, [delta('U1', 'P1', '2025-07-01', { receivedTotal: 1, receivedDirect: 1, fullyOnline: -1, handlingMsSum: 5_000_000_000 })]);
  });

  it('adds deltas to the row of their (unit, procedure, day)', async () => {
    const rows = await storedIndicatorRows(db.dataSource, '2025-07-01', '2025-07-01');
    expect(rows).toEqual([
      {
        unitCode: 'U1',
        procedureCode: 'P1',
        day: '2025-07-01',
        ...zeroIndicatorCounts(),
        receivedTotal: 4,
        receivedDirect: 4,
        receivedV2: 3,
        fullyOnline: 0,
        openChange: 3,
        handlingMsSum: 10_000_000_000,
      },
    ]);
  });

  it('sums by unit, procedure, level and total over consecutive periods, gauges as of each period end', async () => {
    const periods = [
      { from: '2025-07-01', to: '2025-07-10' },
      { from: '2025-07-11', to: '2025-07-31' },
    ];
    const byUnit = await sumIndicatorPeriods(db.dataSource, { periods, groupBy: 'unit' });
    // U1: June's 2 open carry into July (history bucket), +3 on 07-01, −1 on 07-02: 4 open, 1 overdue.
    expect(byUnit.get('U1')).toEqual([
      period({ receivedTotal: 4, receivedDirect: 4, receivedV2: 3, handlingMsSum: 10_000_000_000, resolvedTotal: 1, resolvedOnTime: 1, openAtEnd: 4, overdueAtEnd: 1 }),
      period({ openAtEnd: 4, overdueAtEnd: 1 }),
    ]);
    expect(byUnit.get('U2')).toEqual([period({}), period({ paidOnline: 4, ratedCount: 2, ratingSum: 9 })]);

    const byProcedure = await sumIndicatorPeriods(db.dataSource, { periods: [periods[0]], groupBy: 'procedure' });
    expect(byProcedure.get('P2')).toEqual([period({ resolvedTotal: 1, resolvedOnTime: 1, openAtEnd: -1, overdueAtEnd: 1 })]);

    const levels = new Map([['P1', 'PROVINCIAL']]);
    const byLevel = await sumIndicatorPeriods(db.dataSource, { periods, groupBy: 'level', procedureLevels: levels });
    expect([...byLevel.keys()].sort()).toEqual(['PROVINCIAL', 'UNKNOWN']);
    const total = await sumIndicatorPeriods(db.dataSource, { periods, groupBy: 'total' });
    // The levels add up to the total, field by field.
    for (const i of [0, 1]) {
      const sum = zeroPeriodIndicatorCounts();
      for (const series of byLevel.values()) for (const [k, v] of Object.entries(series[i])) sum[k as keyof PeriodIndicatorCounts] += v;
      expect(sum).toEqual(total.get('*')![i]);
    }
    const oneUnitOneProc = await sumIndicatorPeriods(db.dataSource, { periods, groupBy: 'unitProcedure', unitCodes: ['U1'], procedureCodes: ['P1'] });
    expect([...oneUnitOneProc.keys()]).toEqual(['U1|P1']);
  });

  it('refuses periods that are not consecutive', async () => {
    await expect(
      sumIndicatorPeriods(db.dataSource, {
        periods: [
          { from: '2025-07-01', to: '2025-07-02' },
          { from: '2025-07-05', to: '2025-07-06' },
        ],
        groupBy: 'unit',
      }),
    ).rejects.toThrow(/consecutive/);
  });
});
