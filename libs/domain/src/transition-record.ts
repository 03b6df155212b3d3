import type { AlertTransition } from './alert-lifecycle';
import { ALERT_METRICS, type AlertRule, COMPARISONS, parseWindowName } from './alert-rule';
import { alertText } from './alert-text';
import type { LocalDate } from './local-day';

/**
 * One line of the alert log: a transition of the lifecycle fold, worded in Vietnamese, with the
 * window its figure was judged over. The notifier records evaluations and the API records
 * acknowledgements; both build the record here, so a transition reads the same whoever wrote it.
 */
export interface TransitionRecord extends AlertTransition {
  message: string;
  windowFrom: LocalDate | null;
  windowTo: LocalDate | null;
}

/** What an alert is about: enough to word any of its transitions. */
export interface AlertSubject {
  unitName: string;
  rule: Pick<AlertRule, 'metric' | 'comparison' | 'target' | 'window'>;
  /** The window of the figure behind the transition; `null` when none was recorded. */
  window: { from: LocalDate; to: LocalDate } | null;
}

export function transitionRecord(t: AlertTransition, subject: AlertSubject): TransitionRecord {
  return {
    ...t,
    message: alertText({ unitName: subject.unitName, rule: subject.rule, kind: t.kind, value: t.value }),
    windowFrom: subject.window?.from ?? null,
    windowTo: subject.window?.to ?? null,
  };
}

/**
 * The rule as an alert row recorded it when the alert fired (the notifier writes these fields
 * from the rule in force). A field no rule could have written is refused, not guessed: the api
 * once worded such an acknowledgement with a 30-day window whatever the rule had been.
 */
export function recordedRule(row: { metric: string; comparison: string; target: number; windowName: string }): AlertSubject['rule'] {
  const window = parseWindowName(row.windowName);
  const metric = ALERT_METRICS.find((m) => m === row.metric);
  const comparison = COMPARISONS.find((c) => c === row.comparison);
  if (!window || !metric || !comparison) {
    throw new Error(`an alert records a rule no configuration can produce: ${JSON.stringify(row)}`);
  }
  return { metric, comparison, target: row.target, window };
}
