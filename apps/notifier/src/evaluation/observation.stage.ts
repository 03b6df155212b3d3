import { type AlertRule, type DayCounters, type Observation, addInto, onTimeRate, onlineRate, windowBounds, windowName, zeroCounters } from '@tthc/domain';
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

/** The rule's figure from summed counters (rates from the sums, PRODUCT.md) or the overdue count. */
export function observe(rule: Pick<AlertRule, 'metric'>, counters: DayCounters, overdueOpen: number, window: Observation['window']): Observation {
  switch (rule.metric) {
    case 'onlineRate':
      return { value: onlineRate(counters), sampleSize: counters.receivedTotal, window };
    case 'onTimeRate':
      return { value: onTimeRate(counters), sampleSize: counters.resolvedTotal, window };
    case 'overdueOpen':
      return { value: overdueOpen, sampleSize: overdueOpen, window };
  }
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
    const total = zeroCounters();
    let overdueOpen = 0;
    for (const code of s.members) {
      const unit = figures.get(code);
      const sum = unit?.windows.get(name);
      if (sum) addInto(total, sum);
      overdueOpen += unit?.overdueOpen ?? 0;
    }
    return { ...s, observation: observe(s.rule, total, overdueOpen, span) };
  });
}
