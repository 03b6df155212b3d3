import { INDICATOR_FIELDS, INDICATOR_GAUGE_FIELDS, type IndicatorCounts } from './index-766/indicator-counts';
import { type IndicatorRates, indicatorRates } from './index-766/indicator-rates';

/**
 * The counts an alert rule judges over a window (issue 15): every indicator count of the window's
 * day rows summed, without the two gauges (a rule on open dossiers uses `overdueOpen`, counted
 * now). `receivedTotal` … `resolvedLate` are the v1 counters, so a v1 rule reads exactly what it
 * read before.
 */
export type WindowCounts = Omit<IndicatorCounts, 'openChange' | 'overdueChange'>;
export type WindowCountField = keyof WindowCounts;

export const WINDOW_COUNT_FIELDS: readonly WindowCountField[] = INDICATOR_FIELDS.filter((f): f is WindowCountField => !INDICATOR_GAUGE_FIELDS.includes(f));

export function zeroWindowCounts(): WindowCounts {
  const c = {} as WindowCounts;
  for (const f of WINDOW_COUNT_FIELDS) c[f] = 0;
  return c;
}

export function addWindowCounts(into: WindowCounts, from: Partial<WindowCounts>): WindowCounts {
  for (const f of WINDOW_COUNT_FIELDS) into[f] += from[f] ?? 0;
  return into;
}

/**
 * The rates an alert rule may choose (`metric`), each with the denominator its minimum sample is
 * counted in. The value itself comes from `indicatorRates`, the one home of the formulas; the
 * 766 progress rate and average handling time are left out (they need the end-of-window gauges or
 * are not ratios), and so are the coverage and withdrawal rates (not targets anyone sets).
 */
export const ALERT_RATE_DENOMINATORS = {
  fullyOnlineRate: (c: WindowCounts) => c.receivedV2,
  onlineRate: (c: WindowCounts) => c.receivedTotal,
  onTimeRate: (c: WindowCounts) => c.resolvedTotal,
  aheadRate: (c: WindowCounts) => c.resolvedTotal,
  componentsDigitizedRate: (c: WindowCounts) => c.receivedV2,
  resultElectronicRate: (c: WindowCounts) => c.resolvedV2,
  resultDigitizedRate: (c: WindowCounts) => c.resolvedV2,
  digitisedRate: (c: WindowCounts) => c.receivedV2 + c.resolvedV2,
  dataReusedRate: (c: WindowCounts) => c.resolvedV2,
  onlinePaymentRate: (c: WindowCounts) => c.paidOnline + c.paidCounter,
  satisfactionRate: (c: WindowCounts) => c.ratedCount,
  feedbackOnTimeRate: (c: WindowCounts) => c.feedbackResolvedOnTime + c.feedbackResolvedLate,
} satisfies Partial<Record<keyof IndicatorRates, (c: WindowCounts) => number>>;

export type AlertRateMetric = keyof typeof ALERT_RATE_DENOMINATORS;
export const ALERT_RATE_METRICS = Object.keys(ALERT_RATE_DENOMINATORS) as AlertRateMetric[];

/**
 * The counts each rate reads, numerator and denominator: the only fields a rule on it needs from
 * the day rows (the clock tick reads every unit's window from PostgreSQL, and the fields it does
 * not need were most of that read nationally; BENCHMARKS.md). The spec holds the lists to
 * `rateObservation`: zeroing any other field changes no figure, zeroing a listed one can.
 */
export const ALERT_RATE_FIELDS: Readonly<Record<AlertRateMetric, readonly WindowCountField[]>> = {
  fullyOnlineRate: ['fullyOnline', 'receivedV2'],
  onlineRate: ['receivedOnline', 'receivedTotal'],
  onTimeRate: ['resolvedOnTime', 'resolvedTotal'],
  aheadRate: ['resolvedAhead', 'resolvedTotal'],
  componentsDigitizedRate: ['componentsDigitized', 'receivedV2'],
  resultElectronicRate: ['resultElectronic', 'resolvedV2'],
  resultDigitizedRate: ['resultDigitized', 'resolvedV2'],
  digitisedRate: ['componentsDigitized', 'resultDigitized', 'receivedV2', 'resolvedV2'],
  dataReusedRate: ['dataReused', 'resolvedV2'],
  onlinePaymentRate: ['paidOnline', 'paidCounter'],
  satisfactionRate: ['ratedSatisfied', 'ratedCount'],
  feedbackOnTimeRate: ['feedbackResolvedOnTime', 'feedbackResolvedLate'],
};

/** How the alert texts and the rule labels name each figure (Vietnamese, with diacritics). */
export const ALERT_RATE_LABELS: Readonly<Record<AlertRateMetric, string>> = {
  fullyOnlineRate: 'tỷ lệ hồ sơ xử lý toàn trình trực tuyến',
  onlineRate: 'tỷ lệ hồ sơ trực tuyến',
  onTimeRate: 'tỷ lệ hồ sơ giải quyết đúng hạn',
  aheadRate: 'tỷ lệ hồ sơ giải quyết trước hạn',
  componentsDigitizedRate: 'tỷ lệ hồ sơ số hóa thành phần khi tiếp nhận',
  resultElectronicRate: 'tỷ lệ hồ sơ trả kết quả điện tử',
  resultDigitizedRate: 'tỷ lệ kết quả được số hóa',
  digitisedRate: 'tỷ lệ số hóa hồ sơ',
  dataReusedRate: 'tỷ lệ tái sử dụng dữ liệu số hóa',
  onlinePaymentRate: 'tỷ lệ thanh toán trực tuyến',
  satisfactionRate: 'tỷ lệ hài lòng',
  feedbackOnTimeRate: 'tỷ lệ phản ánh, kiến nghị xử lý đúng hạn',
};

/** A rate rule's figure and the dossiers (or payments, ratings, feedback) behind it; `null` when there are none. */
export function rateObservation(metric: AlertRateMetric, counts: WindowCounts): { value: number | null; sampleSize: number } {
  // The gauges do not enter any of these rates; zero keeps indicatorRates total.
  const value = indicatorRates({ ...counts, openAtEnd: 0, overdueAtEnd: 0 })[metric];
  return { value, sampleSize: ALERT_RATE_DENOMINATORS[metric](counts) };
}
