import { type AlertRule, GAP_EPSILON, type Observation, gapOf, isBreached, isJudgeable, isRecovered } from './alert-rule';

/**
 * The alert lifecycle of issue 3 as a pure fold, one unit × rule at a time:
 *
 *   (none) ──breach──► PENDING ──"for" elapsed──► OPEN ──ack──► ACKNOWLEDGED
 *                         │                        │                 │
 *                         └─breach gone─► RESOLVED ◄──recovered past the margin──┘
 *
 * With `forMs = 0` a breach goes straight to OPEN. A PENDING alert that stops breaching is
 * closed at once (as Prometheus drops a pending alert): it was never notified, and "for" is what
 * absorbs flapping there. An open alert needs the margin to recover (hysteresis). Too few
 * dossiers to judge changes nothing: a thin window is no evidence either way.
 *
 * Notifications follow PRODUCT.md: only what is new — a breach that fires, a further worsening
 * by `worseningStep`, an acknowledgement, a recovery. A silenced alert still goes through every
 * transition (auditors see them all) but notifies nothing; if it is still firing when the silence
 * ends, one UNSILENCED transition tells the receivers, as Alertmanager does after a silence expires.
 */
export type AlertState = 'PENDING' | 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';
export const ALERT_STATES: readonly AlertState[] = ['PENDING', 'OPEN', 'ACKNOWLEDGED', 'RESOLVED'];
export type LiveAlertState = Exclude<AlertState, 'RESOLVED'>;

export type TransitionKind = 'PENDING' | 'FIRED' | 'WORSENED' | 'ACKNOWLEDGED' | 'UNSILENCED' | 'RESOLVED' | 'CANCELLED';

/** The live (not yet resolved) alert of one unit × rule: what the fold carries between evaluations. */
export interface LiveAlert {
  id: string;
  state: LiveAlertState;
  /** When the breach began (PENDING), or when it fired without waiting. */
  startedAt: number;
  openedAt: number | null;
  /** The gap when the alert fired or last worsened by a step: the reference for the next step. */
  stepGap: number | null;
  /** The gap when the alert fired: "who is worsening" compares against it. */
  gapAtOpen: number | null;
  /** A notifiable transition happened under a silence and nobody has been told yet. */
  unnotified: boolean;
}

export interface AlertTransition {
  alertId: string;
  kind: TransitionKind;
  from: AlertState | null;
  to: AlertState;
  at: number;
  value: number | null;
  sampleSize: number;
  /** How far on the bad side of the target (`null` without a figure). */
  gap: number | null;
  target: number;
  silenced: boolean;
  /** Whether receivers (webhooks) are told; every transition is recorded and streamed regardless. */
  notify: boolean;
  actor?: string;
  note?: string;
}

export interface Decision {
  /** `undefined`: no live alert any more (resolved, cancelled, or never opened). */
  alert: LiveAlert | undefined;
  transitions: AlertTransition[];
}

export interface EvaluationContext {
  now: number;
  /** Whether an active silence covers this unit × rule now. */
  silenced: boolean;
  /** Ids are injected, like the clock, so the fold stays deterministic. */
  newId(): string;
}

function transition(
  alert: Pick<LiveAlert, 'id'>,
  kind: TransitionKind,
  from: AlertState | null,
  to: AlertState,
  o: Pick<Observation, 'value' | 'sampleSize'>,
  rule: AlertRule,
  ctx: Pick<EvaluationContext, 'now' | 'silenced'>,
  notify: boolean,
): AlertTransition {
  return {
    alertId: alert.id,
    kind,
    from,
    to,
    at: ctx.now,
    value: o.value,
    sampleSize: o.sampleSize,
    gap: o.value === null ? null : gapOf(rule, o.value),
    target: rule.target,
    silenced: ctx.silenced,
    notify: notify && !ctx.silenced,
  };
}

function fire(base: Pick<LiveAlert, 'id' | 'startedAt'>, from: 'PENDING' | null, o: Observation, rule: AlertRule, ctx: EvaluationContext): Decision {
  const gap = gapOf(rule, o.value as number);
  const alert: LiveAlert = {
    id: base.id,
    state: 'OPEN',
    startedAt: base.startedAt,
    openedAt: ctx.now,
    stepGap: gap,
    gapAtOpen: gap,
    unnotified: ctx.silenced,
  };
  return { alert, transitions: [transition(alert, 'FIRED', from, 'OPEN', o, rule, ctx, true)] };
}

const unchanged = (alert: LiveAlert | undefined): Decision => ({ alert, transitions: [] });

/** One evaluation of one unit × rule: the live alert before, the observation now → the alert after and what happened. */
export function decide(alert: LiveAlert | undefined, o: Observation, rule: AlertRule, ctx: EvaluationContext): Decision {
  if (alert === undefined) {
    if (!isBreached(rule, o)) return unchanged(undefined);
    const id = ctx.newId();
    if (rule.forMs <= 0) return fire({ id, startedAt: ctx.now }, null, o, rule, ctx);
    const pending: LiveAlert = { id, state: 'PENDING', startedAt: ctx.now, openedAt: null, stepGap: null, gapAtOpen: null, unnotified: false };
    return { alert: pending, transitions: [transition(pending, 'PENDING', null, 'PENDING', o, rule, ctx, false)] };
  }

  if (alert.state === 'PENDING') {
    if (!isJudgeable(rule, o)) return unchanged(alert);
    if (!isBreached(rule, o)) {
      return { alert: undefined, transitions: [transition(alert, 'CANCELLED', 'PENDING', 'RESOLVED', o, rule, ctx, false)] };
    }
    return ctx.now - alert.startedAt >= rule.forMs ? fire(alert, 'PENDING', o, rule, ctx) : unchanged(alert);
  }

  // OPEN or ACKNOWLEDGED.
  if (isRecovered(rule, o)) {
    // Receivers that never heard of the alert (it fired under a silence) are not told it ended.
    return { alert: undefined, transitions: [transition(alert, 'RESOLVED', alert.state, 'RESOLVED', o, rule, ctx, !alert.unnotified)] };
  }
  const gap = isJudgeable(rule, o) ? gapOf(rule, o.value) : null;
  if (gap !== null && rule.worseningStep > 0 && alert.stepGap !== null && gap >= alert.stepGap + rule.worseningStep - GAP_EPSILON) {
    const next: LiveAlert = { ...alert, stepGap: gap, unnotified: ctx.silenced };
    return { alert: next, transitions: [transition(alert, 'WORSENED', alert.state, alert.state, o, rule, ctx, true)] };
  }
  if (alert.unnotified && !ctx.silenced) {
    const next: LiveAlert = { ...alert, unnotified: false, stepGap: gap === null ? alert.stepGap : Math.max(alert.stepGap ?? gap, gap) };
    return { alert: next, transitions: [transition(alert, 'UNSILENCED', alert.state, alert.state, o, rule, ctx, true)] };
  }
  return unchanged(alert);
}

export type AckRefusal = { ok: false; code: 'NOT_OPEN' | 'ALREADY_ACKNOWLEDGED'; detail: string };

export interface AckCommand {
  now: number;
  by: string;
  note?: string;
  silenced: boolean;
  /** The figures the alert was last evaluated on, recorded with the acknowledgement. */
  last: Pick<Observation, 'value' | 'sampleSize'>;
}

/** An operator acknowledges an OPEN alert (who, when, note); anything else is refused with a stable code. */
export function acknowledge(alert: LiveAlert, rule: Pick<AlertRule, 'comparison' | 'target'>, cmd: AckCommand): { ok: true; decision: Decision } | AckRefusal {
  if (alert.state === 'ACKNOWLEDGED') return { ok: false, code: 'ALREADY_ACKNOWLEDGED', detail: `alert ${alert.id} is already acknowledged` };
  if (alert.state !== 'OPEN') return { ok: false, code: 'NOT_OPEN', detail: `alert ${alert.id} is ${alert.state}, only an OPEN alert can be acknowledged` };
  const t: AlertTransition = {
    alertId: alert.id,
    kind: 'ACKNOWLEDGED',
    from: 'OPEN',
    to: 'ACKNOWLEDGED',
    at: cmd.now,
    value: cmd.last.value,
    sampleSize: cmd.last.sampleSize,
    gap: cmd.last.value === null ? null : gapOf(rule, cmd.last.value),
    target: rule.target,
    silenced: cmd.silenced,
    notify: !cmd.silenced && !alert.unnotified,
    actor: cmd.by,
    note: cmd.note,
  };
  return { ok: true, decision: { alert: { ...alert, state: 'ACKNOWLEDGED' }, transitions: [t] } };
}
