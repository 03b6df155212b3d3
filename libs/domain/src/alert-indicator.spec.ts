import fc from 'fast-check';
import { ALERT_RATE_FIELDS, ALERT_RATE_LABELS, ALERT_RATE_METRICS, type WindowCounts, WINDOW_COUNT_FIELDS, rateObservation, zeroWindowCounts } from './alert-indicator';
import { ALERT_METRICS, DEFAULT_ALERT_RULES, metricFields } from './alert-rule';
import { alertText } from './alert-text';

const counts = (c: Partial<WindowCounts>): WindowCounts => ({ ...zeroWindowCounts(), ...c });

describe('rateObservation: the figure an alert rule judges, and the sample behind it', () => {
  // A window: 50 receipts, 30 online (channel share 60 %); 40 carried v2 fields, 34 fully online (85 %), 20 digitised at
  // receipt; 25 resolutions, 20 on time, 5 ahead of time; 10 of them v2 with 7 electronic results, 6 results digitised,
  // 4 reusing data; 12 payments, 9 online; 8 ratings, 6 satisfied; 5 feedback items resolved, 4 on time.
  const W = counts({
    receivedTotal: 50,
    receivedOnline: 30,
    receivedDirect: 20,
    receivedV2: 40,
    fullyOnline: 34,
    componentsDigitized: 20,
    resolvedTotal: 25,
    resolvedOnTime: 20,
    resolvedAhead: 5,
    resolvedLate: 5,
    resolvedV2: 10,
    resultElectronic: 7,
    resultDigitized: 6,
    dataReused: 4,
    paidOnline: 9,
    paidCounter: 3,
    ratedCount: 8,
    ratingSum: 30,
    ratedSatisfied: 6,
    feedbackResolvedOnTime: 4,
    feedbackResolvedLate: 1,
  });
  it.each([
    ['fullyOnlineRate', 34 / 40, 40],
    ['onlineRate', 30 / 50, 50],
    ['onTimeRate', 20 / 25, 25],
    ['aheadRate', 5 / 25, 25],
    ['componentsDigitizedRate', 20 / 40, 40],
    ['resultElectronicRate', 7 / 10, 10],
    ['resultDigitizedRate', 6 / 10, 10],
    ['digitisedRate', (20 + 6) / (40 + 10), 50],
    ['dataReusedRate', 4 / 10, 10],
    ['onlinePaymentRate', 9 / 12, 12],
    ['satisfactionRate', 6 / 8, 8],
    ['feedbackOnTimeRate', 4 / 5, 5],
  ] as const)('%s', (metric, value, sampleSize) => {
    const o = rateObservation(metric, W);
    expect(o.sampleSize).toBe(sampleSize);
    expect(o.value).toBeCloseTo(value, 12);
  });

  it('has a figure exactly when its sample is not empty, for every rate and any counts', () => {
    const arbCounts = fc.record(Object.fromEntries(WINDOW_COUNT_FIELDS.map((f) => [f, fc.nat({ max: 3 })])) as Record<keyof WindowCounts, fc.Arbitrary<number>>);
    fc.assert(
      fc.property(arbCounts, fc.constantFrom(...ALERT_RATE_METRICS), (c, metric) => {
        const o = rateObservation(metric, c);
        expect(o.value === null).toBe(o.sampleSize === 0);
      }),
    );
  });

  // Any counts, the gauges' fields aside (no rate reads them), large enough that sums and ratios differ.
  const arbAnyCounts = fc.record(Object.fromEntries(WINDOW_COUNT_FIELDS.map((f) => [f, fc.nat({ max: 1_000 })])) as Record<keyof WindowCounts, fc.Arbitrary<number>>);
  const only = (c: WindowCounts, fields: readonly (keyof WindowCounts)[]): WindowCounts => {
    const kept = zeroWindowCounts();
    for (const f of fields) kept[f] = c[f];
    return kept;
  };

  it('reads only the fields ALERT_RATE_FIELDS lists: the others zeroed, every figure and sample stays', () => {
    fc.assert(
      fc.property(arbAnyCounts, fc.constantFrom(...ALERT_RATE_METRICS), (c, metric) => {
        expect(rateObservation(metric, only(c, ALERT_RATE_FIELDS[metric]))).toEqual(rateObservation(metric, c));
      }),
      { numRuns: 2_000 },
    );
  });

  it('needs every field it lists: zeroing any one of them changes the figure or the sample of some window', () => {
    for (const metric of ALERT_RATE_METRICS) {
      for (const field of ALERT_RATE_FIELDS[metric]) {
        // A window where every count is distinct and non-zero, so each field weighs on the ratio.
        const c = zeroWindowCounts();
        WINDOW_COUNT_FIELDS.forEach((f, i) => (c[f] = 10 + 7 * i));
        expect({ metric, field, o: rateObservation(metric, { ...c, [field]: 0 }) }).not.toEqual({ metric, field, o: rateObservation(metric, c) });
      }
    }
    expect(metricFields('overdueOpen')).toEqual([]);
    expect(metricFields('onTimeRate')).toEqual(['resolvedOnTime', 'resolvedTotal']);
  });

  it('every rate has a Vietnamese label for the alert texts', () => {
    for (const m of ALERT_RATE_METRICS) expect(ALERT_RATE_LABELS[m]).toMatch(/^tỷ lệ /);
    expect(ALERT_METRICS).toEqual([...ALERT_RATE_METRICS, 'overdueOpen']);
  });
});

describe('the default 2026 rule (issue 15)', () => {
  it('judges the fully-online rate against 80 %, and keeps the on-time rule', () => {
    expect(DEFAULT_ALERT_RULES.map((r) => [r.id, r.metric, r.target, r.comparison])).toEqual([
      ['fully-online-rate-30d', 'fullyOnlineRate', 0.8, 'below'],
      ['on-time-rate-30d', 'onTimeRate', 0.8, 'below'],
    ]);
  });

  it('says what it judges in its text', () => {
    const rule = DEFAULT_ALERT_RULES[0];
    expect(alertText({ unitName: 'Phường Phú Khương', rule, kind: 'FIRED', value: 0.724 })).toBe('Phường Phú Khương: tỷ lệ hồ sơ xử lý toàn trình trực tuyến 30 ngày 72,40% < mục tiêu 80%');
  });
});
