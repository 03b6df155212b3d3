import { type PeriodIndicatorCounts, zeroPeriodIndicatorCounts } from './indicator-counts';
import { indicatorRates } from './indicator-rates';
import { GROUP_POINTS_766, score766 } from './score-766';

const counts = (over: Partial<PeriodIndicatorCounts>): PeriodIndicatorCounts => ({ ...zeroPeriodIndicatorCounts(), ...over });
const DAY = 86_400_000;

/**
 * Worked examples, computed by hand (the arithmetic is written out next to each expectation):
 * the formulas are those of docs/event-contract.md, "The 766 score".
 */
describe('indicatorRates', () => {
  const unit = counts({
    receivedTotal: 200,
    receivedOnline: 120,
    receivedDirect: 80,
    receivedV2: 100,
    fullyOnline: 45,
    componentsDigitized: 70,
    resolvedTotal: 150,
    resolvedOnTime: 135,
    resolvedAhead: 60,
    resolvedLate: 15,
    handlingCount: 140,
    handlingMsSum: 140 * 3.5 * DAY,
    resolvedV2: 80,
    resultElectronic: 40,
    resultDigitized: 64,
    dataReused: 20,
    paidOnline: 30,
    paidCounter: 70,
    ratedCount: 50,
    ratingSum: 210,
    ratedSatisfied: 42,
    feedbackReceived: 10,
    feedbackResolvedOnTime: 6,
    feedbackResolvedLate: 2,
    withdrawn: 4,
    openAtEnd: 50,
    overdueAtEnd: 10,
  });

  it.each([
    ['onlineRate', 120 / 200], // 0.6
    ['fullyOnlineRate', 45 / 100], // v2 receipts only: 0.45
    ['v2ReceiptCoverage', 100 / 200],
    ['componentsDigitizedRate', 70 / 100],
    ['onTimeRate', 135 / 150], // 0.9
    ['aheadRate', 60 / 150],
    ['lateRate', 15 / 150],
    ['progressRate766', (135 + (50 - 10)) / (150 + 50)], // (on time + open within deadline) / (resolved + open) = 175/200
    ['averageHandlingDays', 3.5],
    ['resultElectronicRate', 40 / 80],
    ['resultDigitizedRate', 64 / 80],
    ['digitisedRate', (70 + 64) / (100 + 80)], // receipt and result pooled: 134/180
    ['dataReusedRate', 20 / 80],
    ['onlinePaymentRate', 30 / 100],
    ['satisfactionRate', 42 / 50],
    ['averageScore', 210 / 50],
    ['feedbackOnTimeRate', 6 / 8],
    ['withdrawnRate', 4 / 200],
  ] as const)('%s', (rate, expected) => {
    expect(indicatorRates(unit)[rate]).toBeCloseTo(expected, 12);
  });

  it('a rate with nothing to divide is null, never 0 or NaN', () => {
    const r = indicatorRates(counts({ receivedTotal: 10, receivedOnline: 10 }));
    expect(r.onlineRate).toBe(1);
    for (const k of ['fullyOnlineRate', 'onTimeRate', 'progressRate766', 'averageHandlingDays', 'onlinePaymentRate', 'satisfactionRate', 'feedbackOnTimeRate'] as const) {
      expect(r[k]).toBeNull();
    }
  });
});

describe('score766', () => {
  it('the five groups carry 18 + 20 + 22 + 22 + 18 = 100 points', () => {
    expect(Object.values(GROUP_POINTS_766).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('worked example: every rate measurable', () => {
    const c = counts({
      receivedTotal: 200,
      receivedOnline: 120,
      receivedDirect: 80,
      receivedV2: 100,
      fullyOnline: 45,
      componentsDigitized: 70,
      resolvedTotal: 150,
      resolvedOnTime: 135,
      resolvedLate: 15,
      resolvedV2: 80,
      resultElectronic: 40,
      resultDigitized: 64,
      dataReused: 20,
      paidOnline: 30,
      paidCounter: 70,
      ratedCount: 50,
      ratedSatisfied: 42,
      ratingSum: 210,
      feedbackResolvedOnTime: 6,
      feedbackResolvedLate: 2,
      openAtEnd: 50,
      overdueAtEnd: 10,
    });
    const s = score766(c);
    const points = Object.fromEntries(s.groups.map((g) => [g.group, g.points]));
    // transparency: 18 × feedback on time (6/8 = 0.75)                         = 13.5
    expect(points.transparency).toBeCloseTo(13.5, 10);
    // progress: 20 × mean(on time 135/150 = 0.9, 766 progress 175/200 = 0.875) = 20 × 0.8875 = 17.75
    expect(points.progress).toBeCloseTo(17.75, 10);
    // digitisation: 22 × mean(electronic 0.5, digitised 134/180, reused 0.25)
    //             = 22 × (0.5 + 0.744444… + 0.25) / 3 = 22 × 0.498148… = 10.959259…
    expect(points.digitisation).toBeCloseTo((22 * (0.5 + 134 / 180 + 0.25)) / 3, 10);
    expect(points.digitisation).toBeCloseTo(10.9592593, 6);
    // online service: 22 × mean(channel 0.6, fully online 0.45, paid online 0.3) = 22 × 0.45 = 9.9
    expect(points.onlineService).toBeCloseTo(9.9, 10);
    // satisfaction: 18 × 42/50 = 18 × 0.84                                      = 15.12
    expect(points.satisfaction).toBeCloseTo(15.12, 10);
    // total: 13.5 + 17.75 + 10.959259 + 9.9 + 15.12 = 67.229259…
    expect(s.total).toBeCloseTo(67.2292593, 6);
    expect(s.measuredPoints).toBe(100);
  });

  it('worked example: a v1-only unit — only channel share and progress are measurable', () => {
    // 100 received, 52 online; 80 resolved, 72 on time; 20 open at the end, 5 of them overdue.
    const s = score766(counts({ receivedTotal: 100, receivedOnline: 52, receivedDirect: 48, resolvedTotal: 80, resolvedOnTime: 72, resolvedLate: 8, openAtEnd: 20, overdueAtEnd: 5 }));
    const byGroup = Object.fromEntries(s.groups.map((g) => [g.group, g]));
    // progress: 20 × mean(72/80 = 0.9, (72 + 15)/(80 + 20) = 0.87) = 20 × 0.885 = 17.7
    expect(byGroup.progress.points).toBeCloseTo(17.7, 10);
    // online service: fully-online and payment not measurable, so the channel share alone: 22 × 0.52 = 11.44
    expect(byGroup.onlineService.points).toBeCloseTo(11.44, 10);
    expect(byGroup.onlineService.rates).toEqual({ onlineRate: 0.52, fullyOnlineRate: null, onlinePaymentRate: null });
    for (const g of ['transparency', 'digitisation', 'satisfaction']) expect(byGroup[g].points).toBeNull();
    // total 17.7 + 11.44 = 29.14 of the 42 measurable points (20 + 22)
    expect(s.total).toBeCloseTo(29.14, 10);
    expect(s.measuredPoints).toBe(42);
  });

  it('worked example: a perfect unit scores 100, an empty one 0 with nothing measurable', () => {
    const perfect = score766(
      counts({
        receivedTotal: 10,
        receivedOnline: 10,
        receivedV2: 10,
        fullyOnline: 10,
        componentsDigitized: 10,
        resolvedTotal: 10,
        resolvedOnTime: 10,
        resolvedV2: 10,
        resultElectronic: 10,
        resultDigitized: 10,
        dataReused: 10,
        paidOnline: 10,
        ratedCount: 10,
        ratingSum: 50,
        ratedSatisfied: 10,
        feedbackResolvedOnTime: 1,
      }),
    );
    expect(perfect.total).toBeCloseTo(100, 10);
    const empty = score766(zeroPeriodIndicatorCounts());
    expect(empty).toMatchObject({ total: 0, measuredPoints: 0 });
  });
});
