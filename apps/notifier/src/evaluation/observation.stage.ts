import { type AlertRule, type Observation, type WindowCountField, type WindowCounts, addWindowCounts, metricFields, rateObservation, windowBounds, windowName, zeroWindowCounts } from '@tthc/domain';
import type { WindowBounds } from '@tthc/persistence';
import type { RuleSubject } from './rule-subjects.stage';
import type { UnitFigures } from './snapshot-figures';

/** A subject with the figure its rule judges, as of one evaluation. */
export interface ObservedSubject extends RuleSubject {
  observation: Observation;
}

/** What the subjects' rules judge, as of one evaluation: the figures to read for them and no more. */
export interface FigureNeeds {
  /** The windows the rules sum, each once. */
  spans: WindowBounds[];
  /** The counts their rates read (`metricFields`); a read from the day rows sums these only. */
  fields: WindowCountField[];
  /** Whether any rule judges the overdue-open count. */
  overdue: boolean;
}

export function figureNeeds(subjects: readonly RuleSubject[], now: number): FigureNeeds {
  const spans = new Map<string, WindowBounds>();
  const fields = new Set<WindowCountField>();
  for (const { rule } of subjects) {
    const name = windowName(rule.window);
    if (!spans.has(name)) spans.set(name, { name, ...windowBounds(rule.window, now) });
    for (const f of metricFields(rule.metric)) fields.add(f);
  }
  return { spans: [...spans.values()], fields: [...fields], overdue: subjects.some((s) => s.rule.metric === 'overdueOpen') };
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
