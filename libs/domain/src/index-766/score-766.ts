import type { PeriodIndicatorCounts } from './indicator-counts';
import { type IndicatorRates, indicatorRates } from './indicator-rates';

/**
 * The five groups of Decision 766/QĐ-TTg and their points (issue 15): 18 + 20 + 22 + 22 + 18 = 100.
 */
export const GROUPS_766 = ['transparency', 'progress', 'digitisation', 'onlineService', 'satisfaction'] as const;
export type Group766 = (typeof GROUPS_766)[number];

export const GROUP_POINTS_766: Readonly<Record<Group766, number>> = {
  transparency: 18,
  progress: 20,
  digitisation: 22,
  onlineService: 22,
  satisfaction: 18,
};

/** Vietnamese names as the decision words them (shown to users). */
export const GROUP_LABELS_766: Readonly<Record<Group766, string>> = {
  transparency: 'Công khai, minh bạch',
  progress: 'Tiến độ, kết quả giải quyết',
  digitisation: 'Số hóa hồ sơ',
  onlineService: 'Cung cấp dịch vụ trực tuyến',
  satisfaction: 'Mức độ hài lòng',
};

/**
 * The rates each group is built from, with equal weight inside the group. Decision 766/QĐ-TTg
 * lists more sub-criteria than an event stream can show (procedures published on the portal,
 * dossiers synchronised to it, procedures offering online payment, …: catalogue and portal facts,
 * not dossier events), and this repository does not hold the decision's own sub-criterion points.
 * So each group is scored by a transparent proportional formula over the rates the events do
 * carry (docs/event-contract.md, "The 766 score"):
 *
 *   group points = group maximum × mean of the group's measurable rates
 *
 * A rate whose denominator is 0 is not measurable and is left out of the mean (the weights of the
 * others grow); a group with no measurable rate scores `null` and adds 0 to the total, and
 * `measuredPoints` says how many of the 100 points were measurable at all.
 */
export const GROUP_RATES_766: Readonly<Record<Group766, readonly (keyof IndicatorRates)[]>> = {
  // Feedback (phản ánh, kiến nghị) answered within its own deadline: the public, checkable part
  // of transparency that dossier events carry.
  transparency: ['feedbackOnTimeRate'],
  // Dossiers ahead of or on time, and the 766 progress rate (open past deadline counts against).
  progress: ['onTimeRate', 'progressRate766'],
  // Electronic results, dossier digitisation (components at receipt and results, pooled), reuse.
  digitisation: ['resultElectronicRate', 'digitisedRate', 'dataReusedRate'],
  // Channel share, fully online processing, online payment.
  onlineService: ['onlineRate', 'fullyOnlineRate', 'onlinePaymentRate'],
  // Ratings of 4–5 on the 1–5 scale.
  satisfaction: ['satisfactionRate'],
};

export interface GroupScore766 {
  group: Group766;
  label: string;
  maxPoints: number;
  /** `null` when none of the group's rates is measurable in the period. */
  points: number | null;
  /** The rates used, as computed (null ones were left out of the mean). */
  rates: Partial<Record<keyof IndicatorRates, number | null>>;
}

export interface Score766 {
  groups: GroupScore766[];
  /** Σ of the groups' points, an unmeasurable group counting 0. 0..100. */
  total: number;
  /** Σ of the maximum points of the groups that were measurable: the most `total` could be. */
  measuredPoints: number;
}

export function score766(c: PeriodIndicatorCounts): Score766 {
  const rates = indicatorRates(c);
  const groups = GROUPS_766.map((group): GroupScore766 => {
    const used = GROUP_RATES_766[group];
    const values = used.map((r) => rates[r]).filter((v): v is number => v !== null);
    const maxPoints = GROUP_POINTS_766[group];
    const points = values.length === 0 ? null : (maxPoints * values.reduce((a, b) => a + b, 0)) / values.length;
    return { group, label: GROUP_LABELS_766[group], maxPoints, points, rates: Object.fromEntries(used.map((r) => [r, rates[r]])) };
  });
  return {
    groups,
    total: groups.reduce((t, g) => t + (g.points ?? 0), 0),
    measuredPoints: groups.reduce((t, g) => t + (g.points === null ? 0 : g.maxPoints), 0),
  };
}
