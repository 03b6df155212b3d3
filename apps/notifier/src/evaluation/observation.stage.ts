import { type AlertRule, type Observation, type WindowCounts, addWindowCounts, rateObservation, windowBounds, windowName, zeroWindowCounts } from '@tthc/domain';
import type { WindowBounds } from '@tthc/persistence';
import type { RuleSubject } from './rule-subjects.stage';
import type { UnitFigures } from './snapshot-figures';

/** A subject with the figure its rule judges, as of one evaluation. */
export interface ObservedSubject extends RuleSubject {
  observation: Observation;
}

/** The windows the subjects' rules use, as of `now`, each once. */
export function windowSpans(subjects: readonly RuleSubject[], now: number): WindowBounds[] {
  const spans = new Map<string, WindowBounds>();
  for (const { rule } of subjects) {
    const name = windowName(rule.window);
    if (!spans.has(name)) spans.set(name, { name, ...windowBounds(rule.window, now) });
  }
  return [...spans.values()];
}

/**
 * The rule's figure from summed counts (rates from the sums, PRODUCT.md; the rule's own
 * indicator, issue 15) or the overdue count. A rate's sample is its denominator: v2 receipts for
 * the fully-online rate, all receipts for the channel share, resolutions for the on-time rate.
 */
export function observe(rule: Pick<AlertRule, 'metric'>, counts: WindowCounts, overdueOpen: number, window: Observation['window']): Observation {
  if (rule.metric === 'overdueOpen') return { value: overdueOpen, sampleSize: overdueOpen, window };
  return { ...rateObservation(rule.metric, counts), window };
}

/**
 * The observe stage: each subject's figure over its rule's window, its members' counters summed
 * (a province's totals are its units' counts added up, never their rates averaged). A unit with
 * no figures had no dossiers in the window.
 */
export function observeSubjects(subjects: readonly RuleSubject[], figures: ReadonlyMap<string, UnitFigures>, now: number): ObservedSubject[] {
  return subjects.map((s) => {
    const span = windowBounds(s.rule.window, now);
    const name = windowName(s.rule.window);
    const total = zeroWindowCounts();
    let overdueOpen = 0;
    for (const code of s.members) {
      const unit = figures.get(code);
      const sum = unit?.windows.get(name);
      if (sum) addWindowCounts(total, sum);
      overdueOpen += unit?.overdueOpen ?? 0;
    }
    return { ...s, observation: observe(s.rule, total, overdueOpen, span) };
  });
}
