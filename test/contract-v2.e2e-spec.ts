import { loadUnitCatalogue } from '@tthc/catalogue';
import {
  type DayCounters,
  INDICATOR_GAUGE_FIELDS,
  type PeriodIndicatorCounts,
  endOfLocalDay,
  indicatorRates,
  onTimeRate,
  onlineRate,
  progress766Figures,
  startOfLocalDay,
  sumCounters,
} from '@tthc/domain';
import { type Sql, progress766Total, sumCountersByUnit, sumIndicatorPeriods } from '@tthc/persistence';
import { DossierFeed } from '../apps/simulator/src/feed/dossier-feed';
import { DAY_MS } from '../apps/simulator/src/feed/local-time';
import { GroundTruthTally } from '../apps/simulator/src/file/ground-truth';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';

/**
 * Issue 15: contract v2 is additive. The same simulated week, sent once by old v1 sources only
 * and once by v2 sources only (same dossiers, same v1 facts, plus the v2 fields and events),
 * through two real pipelines (Kafka → ingest → aggregator → PostgreSQL): every v1 figure — the
 * online rate, the on-time rate, the 766 progress rate, unit by unit — is identical, and each
 * pipeline's indicator totals equal the simulator's own ground truth for its stream.
 */
describe('contract v2 next to v1 (real Kafka, PostgreSQL)', () => {
  const FROM = '2025-07-01';
  const TO = '2025-07-07';
  const units = loadUnitCatalogue('86');
  const pipelines: { name: string; v2Share: number; h?: PipelineHarness; tally: GroundTruthTally }[] = [
    { name: 'v1', v2Share: 0, tally: new GroundTruthTally() },
    { name: 'v2', v2Share: 1, tally: new GroundTruthTally() },
  ];
  const sqlOf = (h: PipelineHarness): Sql => ({ query: (text: string, params?: unknown[]) => h.sql(text, params ?? []) }) as unknown as Sql;
  const withoutGauges = (c: PeriodIndicatorCounts) => {
    const { openAtEnd: _o, overdueAtEnd: _v, ...rest } = c;
    return rest;
  };
  const indicatorTotal = async (h: PipelineHarness) => (await sumIndicatorPeriods(sqlOf(h), { periods: [{ from: FROM, to: TO }], groupBy: 'total' })).get('*')?.[0];

  beforeAll(async () => {
    for (const p of pipelines) {
      const feed = new DossierFeed({ seed: 15, units, dossiersPerDay: 150, v2Share: p.v2Share });
      const messages: { key: string; value: string }[] = [];
      for (let t = startOfLocalDay(FROM); t < startOfLocalDay(TO) + DAY_MS; t += DAY_MS) {
        feed.forEachEventBetween(t, t + DAY_MS, (e, dossier) => {
          p.tally.record(e, dossier);
          messages.push({ key: e.key, value: JSON.stringify(e.value) });
        });
      }
      p.h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'));
      await p.h.start('ingest', 'aggregator');
      for (let i = 0; i < messages.length; i += 500) await p.h.produce(messages.slice(i, i + 500));
    }
    for (const p of pipelines) {
      const h = p.h!;
      await eventually(
        async () => {
          expect(sumCounters((await sumCountersByUnit(sqlOf(h), FROM, TO)).values())).toEqual(p.tally.totals());
          expect(withoutGauges((await indicatorTotal(h))!)).toEqual(p.tally.indicatorTotals());
        },
        120_000,
        500,
      );
    }
  });

  afterAll(async () => {
    for (const p of pipelines) await p.h?.close();
  });

  it('the v2 stream carries what the v1 stream cannot, and only that', () => {
    const [v1, v2] = pipelines.map((p) => p.tally.indicatorTotals());
    expect(v1.receivedV2 + v1.resolvedV2 + v1.paidOnline + v1.paidCounter + v1.ratedCount + v1.feedbackReceived + v1.withdrawn).toBe(0);
    expect(v2.receivedV2).toBe(v2.receivedTotal);
    expect(v2.paidOnline).toBeGreaterThan(0);
    expect(v2.ratedCount).toBeGreaterThan(0);
    const { receivedTotal, receivedOnline, resolvedTotal, resolvedOnTime, handlingMsSum } = v1;
    expect(v2).toMatchObject({ receivedTotal, receivedOnline, resolvedTotal, resolvedOnTime, handlingMsSum });
  });

  it('gives identical v1 figures unit by unit: online rate, on-time rate, 766 progress', async () => {
    const [a, b] = pipelines.map((p) => p.h!);
    const [countersA, countersB] = await Promise.all([sumCountersByUnit(sqlOf(a), FROM, TO), sumCountersByUnit(sqlOf(b), FROM, TO)]);
    const rates = (m: Map<string, DayCounters>) => Object.fromEntries([...m].sort().map(([u, c]) => [u, { online: onlineRate(c), onTime: onTimeRate(c), c }]));
    expect(rates(countersB)).toEqual(rates(countersA));
    expect(countersA.size).toBeGreaterThan(100);

    const period = [{ start: startOfLocalDay(FROM), at: endOfLocalDay(TO) }];
    const [p766A, p766B] = await Promise.all([progress766Total(sqlOf(a), period), progress766Total(sqlOf(b), period)]);
    expect(p766B).toEqual(p766A);
    const figures = progress766Figures(p766A[0]);
    expect(figures.progressRate766).toBeGreaterThan(0.5);

    // The indicator rows say the same: their v1 rates and 766 progress equal the unit rows'.
    for (const h of [a, b]) {
      const r = indicatorRates((await indicatorTotal(h))!);
      const all = sumCounters(countersA.values());
      expect(r.onlineRate).toBe(onlineRate(all));
      expect(r.onTimeRate).toBe(onTimeRate(all));
      expect(r.progressRate766).toBe(figures.progressRate766);
    }
    expect(INDICATOR_GAUGE_FIELDS).toEqual(['openChange', 'overdueChange']);
  });
});
