import type { LocalDate } from '../local-day';

/**
 * The additive facts behind every indicator of issue 15, kept per (unit, procedure, local day).
 * Each field is a count (or a sum) of dossier facts that land on that day; a period, a level, a
 * province or a procedure group is the field-by-field sum of its day rows, and every rate is
 * derived from the sums (`indicatorRates`), never averaged (PRODUCT.md, "Metrics — definitions").
 *
 * Which day a fact lands on (docs/event-contract.md):
 * - receipt fields: the local day of the winning RECEIVED;
 * - resolution fields and handling time: the local day of the winning RESOLVED;
 * - payment, rating, feedback and withdrawal fields: the local day of their own winning event;
 * - `openChange` / `overdueChange`: +1 on the day the dossier's open (overdue) interval starts and
 *   −1 on the day it ends, as in `DayGaugeChanges`: the gauge at the end of day D is their prefix sum.
 *
 * "V2" denominators count only facts whose event carried the v2 fields: a v1 source says nothing
 * about full-online processing or digitisation, so its dossiers are neither counted for nor
 * against those rates (their coverage is `receivedV2 / receivedTotal`).
 */
export interface IndicatorCounts {
  // Receipt (RECEIVED)
  receivedTotal: number;
  receivedOnline: number;
  receivedDirect: number;
  /** Receipts whose RECEIVED was v2 (carried `fullyOnline` and `componentsDigitized`). */
  receivedV2: number;
  fullyOnline: number;
  componentsDigitized: number;
  // Resolution (RESOLVED)
  resolvedTotal: number;
  /** Resolved on time (occurredAt ≤ dueAt), ahead included. */
  resolvedOnTime: number;
  /** Of those on time, resolved on an earlier local day than the deadline's ("trước hạn"). */
  resolvedAhead: number;
  resolvedLate: number;
  /** Resolutions with a known receipt at or before them: the handling-time sample. */
  handlingCount: number;
  /** Σ (resolved − received) over that sample, in milliseconds. */
  handlingMsSum: number;
  /** Resolutions whose RESOLVED was v2 (carried the three result fields). */
  resolvedV2: number;
  resultElectronic: number;
  resultDigitized: number;
  dataReused: number;
  // Payment (PAID)
  paidOnline: number;
  paidCounter: number;
  // Satisfaction (RATED)
  ratedCount: number;
  /** Σ score (1–5) of the ratings counted in `ratedCount`. */
  ratingSum: number;
  /** Ratings of 4 or 5 ("hài lòng", "rất hài lòng"). */
  ratedSatisfied: number;
  // Feedback (FEEDBACK_RECEIVED / FEEDBACK_RESOLVED)
  feedbackReceived: number;
  feedbackResolvedOnTime: number;
  feedbackResolvedLate: number;
  // Withdrawal (WITHDRAWN)
  withdrawn: number;
  // Gauge changes (open / overdue dossiers at the end of each day, as prefix sums)
  openChange: number;
  overdueChange: number;
}

export type IndicatorField = keyof IndicatorCounts;

/** Every field, in the order of the table's columns (libs/persistence `unit_procedure_daily_indicators`). */
export const INDICATOR_FIELDS: readonly IndicatorField[] = [
  'receivedTotal',
  'receivedOnline',
  'receivedDirect',
  'receivedV2',
  'fullyOnline',
  'componentsDigitized',
  'resolvedTotal',
  'resolvedOnTime',
  'resolvedAhead',
  'resolvedLate',
  'handlingCount',
  'handlingMsSum',
  'resolvedV2',
  'resultElectronic',
  'resultDigitized',
  'dataReused',
  'paidOnline',
  'paidCounter',
  'ratedCount',
  'ratingSum',
  'ratedSatisfied',
  'feedbackReceived',
  'feedbackResolvedOnTime',
  'feedbackResolvedLate',
  'withdrawn',
  'openChange',
  'overdueChange',
];

/** The fields that are day gauge changes, not counts of the period: summed up to a day, not over it. */
export const INDICATOR_GAUGE_FIELDS: readonly IndicatorField[] = ['openChange', 'overdueChange'];

/** A literal, not a loop over INDICATOR_FIELDS: one object shape for every row, built at once (the fold makes one per touched row). */
export function zeroIndicatorCounts(): IndicatorCounts {
  return {
    receivedTotal: 0,
    receivedOnline: 0,
    receivedDirect: 0,
    receivedV2: 0,
    fullyOnline: 0,
    componentsDigitized: 0,
    resolvedTotal: 0,
    resolvedOnTime: 0,
    resolvedAhead: 0,
    resolvedLate: 0,
    handlingCount: 0,
    handlingMsSum: 0,
    resolvedV2: 0,
    resultElectronic: 0,
    resultDigitized: 0,
    dataReused: 0,
    paidOnline: 0,
    paidCounter: 0,
    ratedCount: 0,
    ratingSum: 0,
    ratedSatisfied: 0,
    feedbackReceived: 0,
    feedbackResolvedOnTime: 0,
    feedbackResolvedLate: 0,
    withdrawn: 0,
    openChange: 0,
    overdueChange: 0,
  };
}

/** `into += sign × from`, in place; returns `into`. */
export function addIndicatorCounts<T extends IndicatorCounts>(into: T, from: IndicatorCounts, sign: 1 | -1 = 1): T {
  for (const f of INDICATOR_FIELDS) into[f] += sign * from[f];
  return into;
}

export function sumIndicatorCounts(all: Iterable<IndicatorCounts>): IndicatorCounts {
  const total = zeroIndicatorCounts();
  for (const c of all) addIndicatorCounts(total, c);
  return total;
}

export function isZeroIndicatorCounts(c: IndicatorCounts): boolean {
  for (const f of INDICATOR_FIELDS) if (c[f] !== 0) return false;
  return true;
}

/**
 * A period's indicator counts: the day rows of the period summed, except the two gauges, which
 * are read at the period's end (the prefix sum of every day's change up to its last day). Still
 * additive across units and procedures, so a level or a province is a sum of these.
 */
export interface PeriodIndicatorCounts extends Omit<IndicatorCounts, 'openChange' | 'overdueChange'> {
  /** Dossiers open at the end of the period (received or flagged LATE, not resolved). */
  openAtEnd: number;
  /** Of those, past their deadline (or flagged LATE) at the end of the period. */
  overdueAtEnd: number;
}

export const PERIOD_INDICATOR_FIELDS: readonly (keyof PeriodIndicatorCounts)[] = [
  ...INDICATOR_FIELDS.filter((f) => !INDICATOR_GAUGE_FIELDS.includes(f)),
  'openAtEnd',
  'overdueAtEnd',
] as (keyof PeriodIndicatorCounts)[];

export function zeroPeriodIndicatorCounts(): PeriodIndicatorCounts {
  const c = {} as PeriodIndicatorCounts;
  for (const f of PERIOD_INDICATOR_FIELDS) c[f] = 0;
  return c;
}

export function sumPeriodIndicatorCounts(all: Iterable<PeriodIndicatorCounts>): PeriodIndicatorCounts {
  const total = zeroPeriodIndicatorCounts();
  for (const c of all) for (const f of PERIOD_INDICATOR_FIELDS) total[f] += c[f];
  return total;
}

/**
 * The period counts of a run of day rows, given in day order, and the gauges as they stood
 * before its first day (`openBefore`, `overdueBefore`: the prefix sums up to the day before).
 */
export function periodCountsOf(days: Iterable<IndicatorCounts>, openBefore = 0, overdueBefore = 0): PeriodIndicatorCounts {
  const sum = sumIndicatorCounts(days);
  const { openChange, overdueChange, ...rest } = sum;
  return { ...rest, openAtEnd: openBefore + openChange, overdueAtEnd: overdueBefore + overdueChange };
}

/** A change to one (unit, procedure, day) row. */
export interface IndicatorDelta {
  unitCode: string;
  procedureCode: string;
  day: LocalDate;
  counts: IndicatorCounts;
}
