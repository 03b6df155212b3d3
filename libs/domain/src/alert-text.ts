import { ALERT_RATE_LABELS } from './alert-indicator';
import type { TransitionKind } from './alert-lifecycle';
import { type AlertMetric, type AlertRule, type AlertWindow, gapOf, windowLabelVi } from './alert-rule';
import { formatPercentVi, percentPoints } from './percent-format';

const METRIC_LABELS: Record<AlertMetric, string> = {
  ...ALERT_RATE_LABELS,
  overdueOpen: 'số hồ sơ quá hạn chưa giải quyết',
};

const PREFIXES: Record<TransitionKind, string> = {
  PENDING: 'Đang theo dõi — ',
  FIRED: '',
  WORSENED: 'Tiếp tục giảm — ',
  ACKNOWLEDGED: 'Đã tiếp nhận — ',
  UNSILENCED: 'Hết tạm ẩn, vẫn vi phạm — ',
  RESOLVED: 'Đã phục hồi — ',
  CANCELLED: 'Hết vi phạm trước khi cảnh báo — ',
};

/** A target as operators write it: 80%, 82,5% for rates; the plain number for counts. */
function targetText(metric: AlertMetric, target: number): string {
  if (metric === 'overdueOpen') return String(target);
  return `${String(percentPoints(target)).replace('.', ',')}%`;
}

function valueText(metric: AlertMetric, value: number | null): string {
  if (metric === 'overdueOpen') return value === null ? '—' : String(value);
  return formatPercentVi(value);
}

export interface AlertTextInput {
  unitName: string;
  rule: Pick<AlertRule, 'metric' | 'comparison' | 'target'> & { window: AlertWindow };
  kind: TransitionKind;
  value: number | null;
}

/**
 * The Vietnamese alert text of issue 3, with the unit's official name:
 * "Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 72,40% < mục tiêu 80%".
 * The relation shown is the one that holds for the figure, so a recovered rate reads "≥".
 */
export function alertText({ unitName, rule, kind, value }: AlertTextInput): string {
  const bad = value !== null && gapOf(rule, value) > 0;
  const relation = rule.comparison === 'below' ? (bad ? '<' : '≥') : bad ? '>' : '≤';
  const noun = rule.metric === 'overdueOpen' ? 'ngưỡng' : 'mục tiêu';
  const window = rule.metric === 'overdueOpen' ? '' : ` ${windowLabelVi(rule.window)}`;
  const kindPrefix = kind === 'WORSENED' && rule.comparison === 'above' ? 'Tiếp tục tăng — ' : PREFIXES[kind];
  return `${kindPrefix}${unitName}: ${METRIC_LABELS[rule.metric]}${window} ${valueText(rule.metric, value)} ${relation} ${noun} ${targetText(rule.metric, rule.target)}`;
}

/**
 * What a rule flags, for the heading of a grouped notification (issue 15):
 * "tỷ lệ hồ sơ trực tuyến 30 ngày dưới mục tiêu 80%", "số hồ sơ quá hạn chưa giải quyết trên ngưỡng 10".
 */
export function ruleConditionText(rule: Pick<AlertRule, 'metric' | 'comparison' | 'target'> & { window: AlertWindow }): string {
  const noun = rule.metric === 'overdueOpen' ? 'ngưỡng' : 'mục tiêu';
  const window = rule.metric === 'overdueOpen' ? '' : ` ${windowLabelVi(rule.window)}`;
  const side = rule.comparison === 'below' ? 'dưới' : 'trên';
  return `${METRIC_LABELS[rule.metric]}${window} ${side} ${noun} ${targetText(rule.metric, rule.target)}`;
}

/** A unit's figure as the alert texts show it: 72,40% for a rate, 12 for a count, "—" without one. */
export function figureText(metric: AlertMetric, value: number | null): string {
  return valueText(metric, value);
}

/**
 * How far a figure is on the bad side of its target, in words: "thấp hơn mục tiêu 47,90 điểm %"
 * for a rate (percentage points, never a percentage of the target), "vượt ngưỡng 5" for a count.
 * For a rate it is the difference of the two figures as shown, so a reader who subtracts gets the
 * same number: 7,13% against 80% is 72,87 points (the exact 72,875 would show as 72,88).
 */
export function gapText(rule: Pick<AlertRule, 'metric' | 'comparison'>, value: number, target: number): string {
  const gap = gapOf({ comparison: rule.comparison, target }, value);
  if (rule.metric === 'overdueOpen') return `${rule.comparison === 'below' ? 'thấp hơn' : 'vượt'} ngưỡng ${String(gap).replace('.', ',')}`;
  const points = Math.abs(percentPoints(target) - percentPoints(value));
  return `${rule.comparison === 'below' ? 'thấp hơn' : 'cao hơn'} mục tiêu ${points.toFixed(2).replace('.', ',')} điểm %`;
}
