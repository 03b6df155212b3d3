import { ALERT_RATE_FIELDS, ALERT_RATE_METRICS, type AlertRateMetric, type WindowCountField } from './alert-indicator';
import { addDays, type LocalDate, localDayOf, startOfMonth, startOfQuarter } from './local-day';

/**
 * An alert rule as configuration (issue 3; PRODUCT.md, "Alerting — defaults"): which figure,
 * which side of the target is bad, over which window, with how much evidence, how far back it
 * must come before it counts as recovered, how long a breach must last before it fires.
 *
 * Issue 15: a rule chooses its indicator — any rate of `ALERT_RATE_METRICS` (the fully-online
 * rate, the channel share, the on-time rate, the 766 digitisation and satisfaction rates …) or the
 * count of overdue open dossiers.
 */
export type AlertMetric = AlertRateMetric | 'overdueOpen';
export const ALERT_METRICS: readonly AlertMetric[] = [...ALERT_RATE_METRICS, 'overdueOpen'];

export function isRateMetric(metric: AlertMetric): metric is AlertRateMetric {
  return metric !== 'overdueOpen';
}

/** The window counts a rule on `metric` reads; none for the overdue count (counted as of now, not summed). */
export function metricFields(metric: AlertMetric): readonly WindowCountField[] {
  return isRateMetric(metric) ? ALERT_RATE_FIELDS[metric] : [];
}

/** `below`: bad when the figure is under the target (rates); `above`: bad when over it (counts). */
export type Comparison = 'below' | 'above';
export const COMPARISONS: readonly Comparison[] = ['below', 'above'];

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

export type AlertScope = 'unit' | 'province';

export type AlertWindow = { kind: 'rolling'; days: number } | { kind: 'monthToDate' } | { kind: 'quarterToDate' };

export interface UnitOverride {
  unitCode: string;
  target?: number;
  minSample?: number;
  /** Leave this unit out of the rule altogether. */
  disabled?: boolean;
}

export interface AlertRule {
  id: string;
  metric: AlertMetric;
  comparison: Comparison;
  /** A ratio 0..1 for rates; a count for `overdueOpen`. */
  target: number;
  window: AlertWindow;
  /** Dossiers behind the figure needed before it is judged (the rate's denominator). */
  minSample: number;
  /** How far past the target, on the good side, the figure must come back to recover (hysteresis). */
  recoveryMargin: number;
  /** How long a breach must last before it fires; 0 fires at once. */
  forMs: number;
  severity: Severity;
  /** A further worsening of the gap by this much is notified again (PRODUCT.md: default 5 points). */
  worseningStep: number;
  scope: AlertScope;
  overrides: UnitOverride[];
}

/** What a rule looks at for one unit (or the province) at one evaluation. */
export interface Observation {
  /** `null` when there is nothing to divide (no dossiers in the window). */
  value: number | null;
  /** The denominator behind `value`; for a count, the count itself. */
  sampleSize: number;
  window: { from: LocalDate; to: LocalDate };
}

/** What a rule takes when its configuration leaves a field out. */
export type RuleDefaults = Omit<AlertRule, 'id' | 'metric' | 'overrides'>;

/**
 * PRODUCT.md's defaults, per kind of figure: a rate is bad below 80 % over rolling 30 days with
 * ≥ 30 dossiers, recovers 2 points above, and is notified again every further 5 points; a count
 * (overdueOpen) is bad above 10, with no minimum sample or margin, and steps of 5.
 */
export function ruleDefaults(metric: AlertMetric): RuleDefaults {
  const isRate = metric !== 'overdueOpen';
  return {
    comparison: isRate ? 'below' : 'above',
    target: isRate ? 0.8 : 10,
    window: { kind: 'rolling', days: 30 },
    minSample: isRate ? 30 : 0,
    recoveryMargin: isRate ? 0.02 : 0,
    forMs: 0,
    severity: 'warning',
    worseningStep: isRate ? 0.05 : 5,
    scope: 'unit',
  };
}

/**
 * The rules that run when ALERT_RULES is unset. Issue 15: the province's 2026 target is about
 * fully online processing, not channel share ("Mục tiêu 2026: ≥ 80% hồ sơ được xử lý toàn trình
 * trực tuyến"), so the default online rule judges the fully-online rate; PRODUCT.md's channel
 * share stays available as a rule (`metric: onlineRate`) and is no longer a default.
 */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  { id: 'fully-online-rate-30d', metric: 'fullyOnlineRate', ...ruleDefaults('fullyOnlineRate'), overrides: [] },
  { id: 'on-time-rate-30d', metric: 'onTimeRate', ...ruleDefaults('onTimeRate'), overrides: [] },
];

/** The rule as it applies to one unit: its override folded in; `undefined` when the unit is left out. */
export function ruleForUnit(rule: AlertRule, unitCode: string): AlertRule | undefined {
  const o = rule.overrides.find((x) => x.unitCode === unitCode);
  if (!o) return rule;
  if (o.disabled) return undefined;
  return { ...rule, target: o.target ?? rule.target, minSample: o.minSample ?? rule.minSample };
}

/** The inclusive local dates a window covers as of instant `now`. */
export function windowBounds(window: AlertWindow, now: number): { from: LocalDate; to: LocalDate } {
  const today = localDayOf(now);
  switch (window.kind) {
    case 'rolling':
      return { from: addDays(today, -(window.days - 1)), to: today };
    case 'monthToDate':
      return { from: startOfMonth(today), to: today };
    case 'quarterToDate':
      return { from: startOfQuarter(today), to: today };
  }
}

/** A stable name for a window (`rolling30d`, `monthToDate`, `quarterToDate`), as in the live snapshot. */
export function windowName(window: AlertWindow): string {
  return window.kind === 'rolling' ? `rolling${window.days}d` : window.kind;
}

/** "30 ngày", "từ đầu tháng", "từ đầu quý": how the alert texts name the window. */
export function windowLabelVi(window: AlertWindow): string {
  switch (window.kind) {
    case 'rolling':
      return `${window.days} ngày`;
    case 'monthToDate':
      return 'từ đầu tháng';
    case 'quarterToDate':
      return 'từ đầu quý';
  }
}

/** Far below any difference between two rates of real dossier counts (1 / 10^9 dossiers). */
export const GAP_EPSILON = 1e-9;

/** How far the figure is on the bad side of the target: > 0 breached, ≤ 0 fine. */
export function gapOf(rule: Pick<AlertRule, 'comparison' | 'target'>, value: number): number {
  return rule.comparison === 'below' ? rule.target - value : value - rule.target;
}

/** Enough evidence to judge: a figure, and at least `minSample` dossiers behind it. */
export function isJudgeable(rule: Pick<AlertRule, 'minSample'>, o: Pick<Observation, 'value' | 'sampleSize'>): o is { value: number; sampleSize: number } {
  return o.value !== null && o.sampleSize >= rule.minSample;
}

/** Strictly past the target: exactly at 80 % (24 of 30 dossiers) is not a breach. */
export function isBreached(rule: AlertRule, o: Pick<Observation, 'value' | 'sampleSize'>): boolean {
  return isJudgeable(rule, o) && gapOf(rule, o.value) > 0;
}

/** Back past the target by the margin: 0.8 + 0.02 is 0.8200000000000001 in floating point, and 82 % must count. */
export function isRecovered(rule: AlertRule, o: Pick<Observation, 'value' | 'sampleSize'>): boolean {
  return isJudgeable(rule, o) && gapOf(rule, o.value) <= -rule.recoveryMargin + GAP_EPSILON;
}

/** The inverse of `windowName`; `undefined` for a name no rule could have. */
export function parseWindowName(name: string): AlertWindow | undefined {
  const m = /^rolling([1-9]\d{0,2})d$/.exec(name);
  if (m) return { kind: 'rolling', days: Number(m[1]) };
  return name === 'monthToDate' || name === 'quarterToDate' ? { kind: name } : undefined;
}
