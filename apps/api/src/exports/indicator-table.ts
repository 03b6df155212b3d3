import { GROUPS_766, GROUP_LABELS_766, type IndicatorFigures, type IndicatorRates, PERIOD_INDICATOR_FIELDS, type PeriodIndicatorCounts, percentPoints } from '@tthc/domain';

/**
 * The columns of the indicators export (issue 15): every count of the period, every rate, the
 * average handling time, the five 766 groups and the total, with Vietnamese headers. Rates are
 * percentage points with two decimals (as the screens show them), empty where there is no
 * denominator; averages and points are rounded to two decimals.
 */
export const INDICATOR_COUNT_HEADERS: Readonly<Record<keyof PeriodIndicatorCounts, string>> = {
  receivedTotal: 'Tiếp nhận',
  receivedOnline: 'Trực tuyến',
  receivedDirect: 'Trực tiếp',
  receivedV2: 'Tiếp nhận có dữ liệu v2',
  fullyOnline: 'Toàn trình trực tuyến',
  componentsDigitized: 'Số hóa thành phần khi tiếp nhận',
  resolvedTotal: 'Đã giải quyết',
  resolvedOnTime: 'Trước và đúng hạn',
  resolvedAhead: 'Trước hạn',
  resolvedLate: 'Trễ hạn',
  handlingCount: 'Hồ sơ tính thời gian xử lý',
  handlingMsSum: 'Tổng thời gian xử lý (ms)',
  resolvedV2: 'Giải quyết có dữ liệu v2',
  resultElectronic: 'Trả kết quả điện tử',
  resultDigitized: 'Kết quả được số hóa',
  dataReused: 'Tái sử dụng dữ liệu',
  paidOnline: 'Thanh toán trực tuyến',
  paidCounter: 'Thanh toán tại quầy',
  ratedCount: 'Lượt đánh giá',
  ratingSum: 'Tổng điểm đánh giá',
  ratedSatisfied: 'Hài lòng (4–5 điểm)',
  feedbackReceived: 'Phản ánh, kiến nghị tiếp nhận',
  feedbackResolvedOnTime: 'Phản ánh xử lý đúng hạn',
  feedbackResolvedLate: 'Phản ánh xử lý trễ hạn',
  withdrawn: 'Rút hồ sơ',
  openAtEnd: 'Đang mở cuối kỳ',
  overdueAtEnd: 'Quá hạn đang mở cuối kỳ',
};

type RateColumn = [keyof IndicatorRates, string, 'percent' | 'number'];
export const INDICATOR_RATE_COLUMNS: readonly RateColumn[] = [
  ['fullyOnlineRate', 'Tỷ lệ toàn trình trực tuyến (%)', 'percent'],
  ['onlineRate', 'Tỷ lệ trực tuyến (%)', 'percent'],
  ['v2ReceiptCoverage', 'Tỷ lệ tiếp nhận có dữ liệu v2 (%)', 'percent'],
  ['componentsDigitizedRate', 'Tỷ lệ số hóa thành phần (%)', 'percent'],
  ['onTimeRate', 'Tỷ lệ trước và đúng hạn (%)', 'percent'],
  ['aheadRate', 'Tỷ lệ trước hạn (%)', 'percent'],
  ['lateRate', 'Tỷ lệ trễ hạn (%)', 'percent'],
  ['progressRate766', 'Tỷ lệ 766 (%)', 'percent'],
  ['averageHandlingDays', 'Thời gian xử lý trung bình (ngày)', 'number'],
  ['resultElectronicRate', 'Tỷ lệ trả kết quả điện tử (%)', 'percent'],
  ['resultDigitizedRate', 'Tỷ lệ kết quả được số hóa (%)', 'percent'],
  ['digitisedRate', 'Tỷ lệ số hóa hồ sơ (%)', 'percent'],
  ['dataReusedRate', 'Tỷ lệ tái sử dụng dữ liệu (%)', 'percent'],
  ['onlinePaymentRate', 'Tỷ lệ thanh toán trực tuyến (%)', 'percent'],
  ['satisfactionRate', 'Tỷ lệ hài lòng (%)', 'percent'],
  ['averageScore', 'Điểm đánh giá trung bình (1–5)', 'number'],
  ['feedbackOnTimeRate', 'Tỷ lệ phản ánh xử lý đúng hạn (%)', 'percent'],
  ['withdrawnRate', 'Tỷ lệ rút hồ sơ (%)', 'percent'],
];

export const INDICATOR_HEADERS: readonly string[] = [
  ...PERIOD_INDICATOR_FIELDS.map((f) => INDICATOR_COUNT_HEADERS[f]),
  ...INDICATOR_RATE_COLUMNS.map(([, header]) => header),
  ...GROUPS_766.map((g) => `${GROUP_LABELS_766[g]} (điểm)`),
  'Tổng điểm 766 (/100)',
  'Điểm đo được',
];

const round2 = (v: number | null): number | null => (v === null ? null : Math.round(v * 100 + 1e-7) / 100);

export function indicatorCells(f: IndicatorFigures): (number | null)[] {
  return [
    ...PERIOD_INDICATOR_FIELDS.map((field) => f.counts[field]),
    ...INDICATOR_RATE_COLUMNS.map(([rate, , kind]) => {
      const v = f.rates[rate];
      return v === null ? null : kind === 'percent' ? percentPoints(v) : round2(v);
    }),
    ...GROUPS_766.map((g) => round2(f.score766.groups.find((x) => x.group === g)?.points ?? null)),
    round2(f.score766.measuredPoints === 0 ? null : f.score766.total),
    f.score766.measuredPoints,
  ];
}
