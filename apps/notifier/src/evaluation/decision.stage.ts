import { type LiveAlert, type Silence, type TransitionKind, type TransitionRecord, alertText, decide, findSilence, gapOf, transitionRecord, windowName } from '@tthc/domain';
import type { AlertWrite, StoredAlert } from '@tthc/persistence';
import type { ObservedSubject } from './observation.stage';

/** What one evaluation changes in the alert log. */
export interface Decisions {
  alerts: AlertWrite[];
  transitions: TransitionRecord[];
}

export interface DecisionContext {
  now: number;
  newId: () => string;
}

/** The kind of text an alert row shows for the state it is left in. */
const stateText = (state: AlertWrite['state']): TransitionKind => (state === 'PENDING' ? 'PENDING' : state === 'RESOLVED' ? 'RESOLVED' : 'FIRED');

/** Only what the figures changed is rewritten: a tick over 125 quiet units writes nothing. */
function changed(before: StoredAlert | undefined, w: AlertWrite): boolean {
  if (!before) return true;
  return (
    before.lastValue !== w.lastValue ||
    before.sampleSize !== w.sampleSize ||
    before.silenced !== w.silenced ||
    before.windowFrom !== w.windowFrom ||
    before.windowTo !== w.windowTo ||
    before.state !== w.state
  );
}

function alertWrite(s: ObservedSubject, base: LiveAlert, state: AlertWrite['state'], silenced: boolean, now: number): AlertWrite {
  const o = s.observation;
  return {
    id: base.id,
    unitCode: s.code,
    unitName: s.name,
    ruleId: s.rule.id,
    metric: s.rule.metric,
    scope: s.rule.scope,
    comparison: s.rule.comparison,
    severity: s.rule.severity,
    windowName: windowName(s.rule.window),
    windowFrom: o.window.from,
    windowTo: o.window.to,
    state,
    target: s.rule.target,
    startedAt: base.startedAt,
    openedAt: base.openedAt,
    resolvedAt: state === 'RESOLVED' ? now : null,
    lastValue: o.value,
    sampleSize: o.sampleSize,
    lastGap: o.value === null ? null : gapOf(s.rule, o.value),
    stepGap: base.stepGap,
    gapAtOpen: base.gapAtOpen,
    unnotified: base.unnotified,
    silenced,
    message: alertText({ unitName: s.name, rule: s.rule, kind: stateText(state), value: o.value }),
    evaluatedAt: now,
  };
}

/**
 * The decide stage: the lifecycle fold (libs/domain `decide`) for each subject, against its live
 * alert and the silences in force, turned into the rows the record stage writes: the alert as it
 * is left, and each transition as a record of the log (libs/domain `transitionRecord`).
 */
export function decideAll(subjects: readonly ObservedSubject[], live: readonly StoredAlert[], silences: readonly Silence[], ctx: DecisionContext): Decisions {
  const liveByKey = new Map(live.map((a) => [`${a.unitCode}|${a.ruleId}`, a]));
  const out: Decisions = { alerts: [], transitions: [] };
  for (const s of subjects) {
    const before = liveByKey.get(`${s.code}|${s.rule.id}`);
    const silenced = findSilence(silences, s.code, s.rule.id, ctx.now) !== undefined;
    const d = decide(before, s.observation, s.rule, { now: ctx.now, silenced, newId: ctx.newId });
    for (const t of d.transitions) out.transitions.push(transitionRecord(t, { unitName: s.name, rule: s.rule, window: s.observation.window }));
    const base = d.alert ?? before;
    const state = d.transitions.at(-1)?.to ?? before?.state;
    if (!base || !state) continue;
    const write = alertWrite(s, base, state, silenced, ctx.now);
    if (d.transitions.length > 0 || changed(before, write)) out.alerts.push(write);
  }
  return out;
}
