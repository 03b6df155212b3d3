import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { AlertMessage } from '@tthc/contracts';
import {
  type AlertRule, type DayCounters, type LiveAlert, type Observation, type TransitionKind, addInto, alertText, decide, findSilence,
  type TransitionRecord, gapOf, onTimeRate, onlineRate, ruleForUnit, transitionRecord, windowBounds, windowName, zeroCounters,
} from '@tthc/domain';
import { CLOCK, type Clock, LOGGER, METRICS, PRODUCER, SETTINGS, UnitDirectory } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import {
  type AlertWrite, type Sql, type StoredAlert, type StoredTransitionMessage, activeSilences, countOverdueOpenNow,
  enqueueDeliveries, hasUnpublishedTransitions, insertTransitions, loadLiveAlertsForUpdate, lockAlertLog, markTransitionsPublished,
  releasePublisherLock, saveAlerts, sumCountersForWindows, tryPublisherLock, unpublishedTransitions,
} from '@tthc/persistence';
import type { Logger } from '@tthc/platform';
import { ALERT_RULES } from './alert-rules.token';
import type { NotifierSettings } from './notifier.settings';

/** One subject of a rule: a unit, or a province's totals. */
interface Subject {
  code: string;
  name: string;
  rule: AlertRule;
  observation: Observation;
}

const CENTRE_PREFIX = 'Trung tâm Phục vụ hành chính công ';

function observe(rule: AlertRule, counters: DayCounters, overdueOpen: number, window: { from: string; to: string }): Observation {
  switch (rule.metric) {
    case 'onlineRate':
      return { value: onlineRate(counters), sampleSize: counters.receivedTotal, window };
    case 'onTimeRate':
      return { value: onTimeRate(counters), sampleSize: counters.resolvedTotal, window };
    case 'overdueOpen':
      return { value: overdueOpen, sampleSize: overdueOpen, window };
  }
}

const stateText = (state: LiveAlert['state'] | 'RESOLVED'): TransitionKind => (state === 'PENDING' ? 'PENDING' : state === 'RESOLVED' ? 'RESOLVED' : 'FIRED');

/**
 * Runs the rules (libs/domain alert-lifecycle) over a set of units and writes what changed.
 *
 * Figures come from the day counters in PostgreSQL, for every window the rules use, in one query
 * per evaluation (the snapshot only carries rolling 30 days and month-to-date). One transaction
 * per evaluation holds the alert-log lock and writes alerts and transitions; the transitions are
 * then published from the log (`publishPending`, an outbox, outside that lock), together with the
 * acknowledgements the API wrote, in log order: a crash can repeat a publication under the same
 * transitionId, so receivers can drop repeats, but never lose one.
 */
@Injectable()
export class AlertEvaluationHandler {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly webhookUrls: string[];
  // Property injection keeps the constructor as it was (issue 13 instrumentation).
  @Inject(METRICS) private readonly metrics?: AppMetrics;
  private readonly publishBatch = 1000;

  constructor(
    private readonly dataSource: DataSource,
    private readonly units: UnitDirectory,
    @Inject(ALERT_RULES) readonly rules: AlertRule[],
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(SETTINGS) private readonly settings: NotifierSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.webhookUrls = settings.webhookReceivers().map((r) => r.url);
  }

  /** After metric changes: the unit rules for these units. */
  evaluateUnits(unitCodes: string[]): Promise<AlertMessage[]> {
    return this.serialised(() => this.evaluate(unitCodes.filter((c) => this.units.has(c)), false));
  }

  /** On the clock tick: every unit and the province rules. */
  evaluateAll(): Promise<AlertMessage[]> {
    return this.serialised(() => this.evaluate(this.units.all().map((u) => u.code), true));
  }

  /** Publishes transitions written elsewhere (acknowledgements from the API) when there are any. */
  async publishBacklog(): Promise<AlertMessage[]> {
    if (!(await hasUnpublishedTransitions(this.dataSource))) return [];
    return this.serialised(() => this.publishPending());
  }

  /** One evaluation at a time in this process; across instances the alert-log lock serialises. */
  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async subjects(unitCodes: string[], withProvince: boolean, now: number): Promise<Subject[]> {
    const unitRules = this.rules.filter((r) => r.scope === 'unit');
    const provinceRules = withProvince ? this.rules.filter((r) => r.scope === 'province') : [];
    const rules = [...unitRules, ...provinceRules];
    if (rules.length === 0 || unitCodes.length === 0) return [];
    const windows = new Map(rules.map((r) => [windowName(r.window), { name: windowName(r.window), ...windowBounds(r.window, now) }]));
    const [sums, overdue] = await Promise.all([
      sumCountersForWindows(this.dataSource, [...windows.values()], unitCodes),
      rules.some((r) => r.metric === 'overdueOpen') ? countOverdueOpenNow(this.dataSource, new Date(now), unitCodes) : new Map<string, number>(),
    ]);
    const out: Subject[] = [];
    for (const code of unitCodes) {
      const name = this.units.get(code)?.name ?? code;
      for (const base of unitRules) {
        const rule = ruleForUnit(base, code);
        if (!rule) continue;
        const w = windows.get(windowName(rule.window))!;
        out.push({ code, name, rule, observation: observe(rule, sums.get(code)?.get(w.name) ?? zeroCounters(), overdue.get(code) ?? 0, w) });
      }
    }
    if (provinceRules.length > 0) {
      const byProvince = new Map<string, string[]>();
      for (const code of unitCodes) {
        const p = this.units.get(code)?.provinceCode;
        if (p) byProvince.set(p, [...(byProvince.get(p) ?? []), code]);
      }
      for (const [province, codes] of byProvince) {
        const centre = this.units.get(province)?.name;
        const name = centre?.startsWith(CENTRE_PREFIX) ? centre.slice(CENTRE_PREFIX.length).replace(/^./, (c) => c.toLocaleUpperCase('vi')) : `Tỉnh ${province}`;
        for (const rule of provinceRules) {
          const w = windows.get(windowName(rule.window))!;
          const total = zeroCounters();
          let overdueTotal = 0;
          for (const c of codes) {
            const s = sums.get(c)?.get(w.name);
            if (s) addInto(total, s);
            overdueTotal += overdue.get(c) ?? 0;
          }
          out.push({ code: province, name, rule, observation: observe(rule, total, overdueTotal, w) });
        }
      }
    }
    return out;
  }

  private async evaluate(unitCodes: string[], withProvince: boolean): Promise<AlertMessage[]> {
    const now = this.clock.now();
    const subjects = await this.subjects(unitCodes, withProvince, now);
    const written = await this.dataSource.transaction(async (tx) => {
      await lockAlertLog(tx);
      const ruleIds = [...new Set(subjects.map((s) => s.rule.id))];
      const live = ruleIds.length === 0 ? [] : await loadLiveAlertsForUpdate(tx, ruleIds, withProvince ? undefined : unitCodes);
      const liveByKey = new Map(live.map((a) => [`${a.unitCode}|${a.ruleId}`, a]));
      const silences = await activeSilences(tx, now);

      const alertWrites: AlertWrite[] = [];
      const transitionWrites: TransitionRecord[] = [];
      for (const s of subjects) {
        const before = liveByKey.get(`${s.code}|${s.rule.id}`);
        const silenced = findSilence(silences, s.code, s.rule.id, now) !== undefined;
        const d = decide(before, s.observation, s.rule, { now, silenced, newId: randomUUID });
        for (const t of d.transitions) transitionWrites.push(transitionRecord(t, { unitName: s.name, rule: s.rule, window: s.observation.window }));
        const write = this.alertWrite(s, before, d.alert, d.transitions.at(-1)?.to ?? before?.state, silenced, now);
        if (write && (d.transitions.length > 0 || changed(before, write))) alertWrites.push(write);
      }

      await saveAlerts(tx, alertWrites);
      // Unpublished: publishPending sends them once this transaction has committed.
      return (await insertTransitions(tx, transitionWrites)).length;
    });
    if (written === 0 && !(await hasUnpublishedTransitions(this.dataSource))) return [];
    return this.publishPending();
  }

  /**
   * The outbox step: every committed, unpublished transition (this process's and the API's
   * acknowledgements), in log order, gets its webhook deliveries and goes to `tthc.alerts`, then
   * is marked published. The Kafka send holds no transaction and not the alert-log lock (issue
   * 10: with the broker down, acknowledgements used to queue on that lock without limit); only
   * the publisher lock, so one instance publishes at a time and the topic keeps log order. A
   * crash after Kafka took a batch but before it was marked publishes the same transitions again,
   * with the same transitionId, which is what receivers deduplicate on; deliveries are unique per
   * transition and receiver, so enqueueing twice is harmless.
   */
  private async publishPending(): Promise<AlertMessage[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      if (!(await tryPublisherLock(runner))) return [];
      try {
        return await this.publishLocked(runner);
      } finally {
        await releasePublisherLock(runner);
      }
    } finally {
      await runner.release();
    }
  }

  private async publishLocked(sql: Sql): Promise<AlertMessage[]> {
    const published: AlertMessage[] = [];
    for (;;) {
      const pending = await unpublishedTransitions(sql, this.publishBatch);
      if (pending.length === 0) return published;
      await this.enqueueWebhooks(sql, pending);
      await this.producer.send({
        topic: this.settings.TOPIC_ALERTS,
        acks: -1,
        messages: pending.map((m) => ({ key: m.unitCode, value: JSON.stringify(publicMessage(m)) })),
      });
      await markTransitionsPublished(sql, pending.map((m) => m.transitionId), this.clock.now());
      published.push(...pending.map(publicMessage));
      for (const m of pending) this.metrics?.alertTransitions.inc({ state: m.state });
      this.logger.info({ transitions: pending.length }, 'alert transitions published');
    }
  }

  private alertWrite(s: Subject, before: StoredAlert | undefined, after: LiveAlert | undefined, state: string | undefined, silenced: boolean, now: number): AlertWrite | undefined {
    const base = after ?? before;
    if (!base || !state) return undefined;
    const o = s.observation;
    const resolved = state === 'RESOLVED';
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
      state: state as AlertWrite['state'],
      target: s.rule.target,
      startedAt: base.startedAt,
      openedAt: base.openedAt,
      resolvedAt: resolved ? now : null,
      lastValue: o.value,
      sampleSize: o.sampleSize,
      lastGap: o.value === null ? null : gapOf(s.rule, o.value),
      stepGap: base.stepGap,
      gapAtOpen: base.gapAtOpen,
      unnotified: base.unnotified,
      silenced,
      message: alertText({ unitName: s.name, rule: s.rule, kind: stateText(state as LiveAlert['state']), value: o.value }),
      evaluatedAt: now,
    };
  }

  private async enqueueWebhooks(sql: Sql, messages: StoredTransitionMessage[]): Promise<void> {
    const notify = messages.filter((m) => m.notify);
    await enqueueDeliveries(
      sql,
      notify.map((m) => ({ transitionId: m.transitionId, body: JSON.stringify(publicMessage(m)) })),
      this.webhookUrls,
    );
  }
}

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

function publicMessage(m: StoredTransitionMessage): AlertMessage {
  const { notify: _notify, ...message } = m;
  return message;
}
