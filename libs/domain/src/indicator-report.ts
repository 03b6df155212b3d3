import { type PeriodIndicatorCounts, sumPeriodIndicatorCounts } from './index-766/indicator-counts';
import { type IndicatorRates, indicatorRates } from './index-766/indicator-rates';
import { type Score766, score766 } from './index-766/score-766';

/**
 * What `GET /metrics/indicators` reports for one unit, procedure, level or the whole selection
 * over a period (issue 15): the exact summed counts, every rate derived from them, and the 766
 * group scores and total — all computed here from the sums, never averaged across rows.
 */
export interface IndicatorFigures {
  counts: PeriodIndicatorCounts;
  rates: IndicatorRates;
  score766: Score766;
}

export function indicatorFigures(counts: PeriodIndicatorCounts): IndicatorFigures {
  return { counts, rates: indicatorRates(counts), score766: score766(counts) };
}

/** The figures of several rows together: their counts summed, then rates and scores from the sum. */
export function totalIndicatorFigures(rows: readonly { counts: PeriodIndicatorCounts }[]): IndicatorFigures {
  return indicatorFigures(sumPeriodIndicatorCounts(rows.map((r) => r.counts)));
}

/** What a ranking can order by: the 766 total, or any one rate or average. */
export type IndicatorRankKey = 'score766' | keyof IndicatorRates;

/** Figures where less is better: ranked ascending. Every other figure ranks the highest first. */
const LOWER_IS_BETTER: ReadonlySet<IndicatorRankKey> = new Set(['lateRate', 'withdrawnRate', 'averageHandlingDays']);

export const INDICATOR_RANK_KEYS: readonly IndicatorRankKey[] = [
  'score766',
  'fullyOnlineRate',
  'onlineRate',
  'onTimeRate',
  'aheadRate',
  'lateRate',
  'progressRate766',
  'averageHandlingDays',
  'componentsDigitizedRate',
  'resultElectronicRate',
  'resultDigitizedRate',
  'digitisedRate',
  'dataReusedRate',
  'onlinePaymentRate',
  'satisfactionRate',
  'averageScore',
  'feedbackOnTimeRate',
  'withdrawnRate',
  'v2ReceiptCoverage',
];

export function rankValue(f: IndicatorFigures, key: IndicatorRankKey): number | null {
  // A 766 total with nothing measurable is not a score of 0: it is no score, ranked last.
  if (key === 'score766') return f.score766.measuredPoints === 0 ? null : f.score766.total;
  return f.rates[key];
}

/**
 * Rows ranked best first by `key` (rank 1 = best): descending, or ascending for figures where
 * less is better (late rate, withdrawals, handling time). A row without the figure goes last: it
 * is not the worst, it has no data. Ties share the order of `key`, so refreshes are stable.
 */
export function rankIndicatorRows<T extends { key: string } & IndicatorFigures>(rows: readonly T[], by: IndicatorRankKey): (T & { rank: number })[] {
  const sign = LOWER_IS_BETTER.has(by) ? 1 : -1;
  return [...rows]
    .map((r) => ({ r, v: rankValue(r, by) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.r.key.localeCompare(b.r.key) : a.v === null ? 1 : -1;
      return sign * (a.v - b.v) || a.r.key.localeCompare(b.r.key);
    })
    .map(({ r }, i) => ({ ...r, rank: i + 1 }));
}
