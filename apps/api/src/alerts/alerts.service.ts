import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AlertRule, acknowledge, endOfLocalDay, findSilence, isSilenceActive, parseWindowName, recordedRule, ruleConditionText, startOfLocalDay, transitionRecord } from '@tthc/domain';
import { CLOCK, type Clock, SETTINGS, UnitDirectory } from '@tthc/infrastructure';
import {
  type AlertView,
  type SilenceRow,
  activeSilences,
  alertHistory,
  expireSilence,
  findAlert,
  insertSilence,
  insertTransitions,
  listAlertRules,
  listAlerts,
  listDeliveries,
  listNotifications,
  listSilences,
  liveAlertViews,
  loadAlertForUpdate,
  lockAlertLog,
  notificationBody,
  saveAcknowledgement,
  worseningCounts,
} from '@tthc/persistence';
import type { ApiSettings } from '../api.settings';
import { RetryLaterException } from '../database-busy.filter';
import type { AckBody, AlertsQuery, CreateSilenceBody, DeliveriesQuery, NotificationsQuery, SilencesQuery } from './alerts.dto';

type RuleDefinition = Pick<AlertRule, 'id' | 'metric' | 'comparison' | 'target' | 'severity' | 'scope'> & { window: string };

/** A gap this much larger than when the alert opened counts as "worsening" (a tenth of a point). */
const WORSENING_TOLERANCE = 0.001;

@Injectable()
export class AlertsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly units: UnitDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: ApiSettings,
  ) {}

  list(q: AlertsQuery): Promise<AlertView[]> {
    if (q.from && q.to && q.from > q.to) throw new BadRequestException('from must not be after to');
    return listAlerts(this.dataSource, {
      state: q.state,
      unitCode: q.unitCode,
      ruleId: q.ruleId,
      severity: q.severity,
      from: q.from ? startOfLocalDay(q.from) : undefined,
      to: q.to ? endOfLocalDay(q.to) : undefined,
      limit: q.limit ?? 1000,
    });
  }

  async one(id: string) {
    const alert = await findAlert(this.dataSource, id);
    if (!alert) throw new NotFoundException(`no alert ${id}`);
    return { ...alert, history: await alertHistory(this.dataSource, id) };
  }

  /**
   * Acknowledges an OPEN alert. The transition is written under the alert-log lock and left
   * unpublished: the notifier's outbox publishes it to `tthc.alerts` (and queues its webhooks)
   * within ALERT_BACKLOG_POLL_MS, in log order; the SSE stream shows it at once.
   * `actor` is the name of the API key that made the request. The lock is waited for at most
   * ACK_LOCK_TIMEOUT_MS: past that the answer is 503 with Retry-After, not a held connection.
   */
  async acknowledge(id: string, body: AckBody, actor: string) {
    const now = this.clock.now();
    await this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT set_config('lock_timeout', $1, true)`, [`${this.settings.ACK_LOCK_TIMEOUT_MS}ms`]);
      await lockAlertLog(tx).catch((err: unknown) => {
        const code = (err as { driverError?: { code?: string } }).driverError?.code;
        if (code !== '55P03') throw err;
        throw new RetryLaterException('the alert log is busy (an evaluation is being written); retry shortly', Math.max(1, Math.ceil(this.settings.ACK_LOCK_TIMEOUT_MS / 1000)));
      });
      const stored = await loadAlertForUpdate(tx, id);
      const view = await findAlert(tx, id);
      if (!stored || !view) throw new NotFoundException(`no alert ${id}`);
      if (view.state === 'RESOLVED') throw new ConflictException({ statusCode: 409, code: 'RESOLVED', message: `alert ${id} is already resolved` });
      const silenced = findSilence(await activeSilences(tx, now), view.unitCode, view.ruleId, now) !== undefined;
      const rule = recordedRule({ ...view, windowName: view.window.name });
      const result = acknowledge(stored, rule, { now, by: actor, note: body.note, silenced, last: { value: view.value, sampleSize: view.sampleSize } });
      if (!result.ok) throw new ConflictException({ statusCode: 409, code: result.code, message: result.detail });
      const window = view.window.from && view.window.to ? { from: view.window.from, to: view.window.to } : null;
      await saveAcknowledgement(tx, id, now, actor, body.note ?? null);
      await insertTransitions(
        tx,
        result.decision.transitions.map((t) => transitionRecord(t, { unitName: view.unitName, rule, window })),
      );
    });
    return this.one(id);
  }

  /**
   * The grouped view of PRODUCT.md for when most units breach at once: per rule, how many units,
   * ranked by gap to target (worst first), and who is worsening (gap larger than when opened).
   */
  async summary() {
    const [rules, live] = await Promise.all([listAlertRules<RuleDefinition>(this.dataSource), liveAlertViews(this.dataSource)]);
    const steps = await worseningCounts(
      this.dataSource,
      live.map((a) => a.id),
    );
    const ruleIds = [...new Set([...rules.map((r) => r.id), ...live.map((a) => a.ruleId)])].sort();
    return {
      asOf: new Date(this.clock.now()).toISOString(),
      rules: ruleIds.map((ruleId) => {
        const def = rules.find((r) => r.id === ruleId)?.definition;
        const alerts = live.filter((a) => a.ruleId === ruleId);
        const units = alerts
          .map((a) => {
            const change = a.gap !== null && a.gapAtOpen !== null ? a.gap - a.gapAtOpen : null;
            return {
              alertId: a.id,
              unitCode: a.unitCode,
              unitName: a.unitName,
              state: a.state,
              silenced: a.silenced,
              value: a.value,
              sampleSize: a.sampleSize,
              target: a.target,
              gap: a.gap,
              gapAtOpen: a.gapAtOpen,
              change,
              worsening: change !== null && change > WORSENING_TOLERANCE,
              worsenedSteps: steps.get(a.id) ?? 0,
              openedAt: a.openedAt,
              message: a.message,
            };
          })
          .sort((x, y) => (y.gap ?? -Infinity) - (x.gap ?? -Infinity) || x.unitCode.localeCompare(y.unitCode));
        const firing = units.filter((u) => u.state === 'OPEN' || u.state === 'ACKNOWLEDGED');
        return {
          ruleId,
          label: ruleLabel(def, alerts[0]),
          metric: def?.metric ?? alerts[0]?.metric,
          severity: def?.severity ?? alerts[0]?.severity,
          target: def?.target ?? alerts[0]?.target,
          window: def?.window ?? alerts[0]?.window.name,
          scope: def?.scope ?? alerts[0]?.scope,
          active: def !== undefined,
          unitsBreaching: firing.length,
          pending: units.length - firing.length,
          acknowledged: units.filter((u) => u.state === 'ACKNOWLEDGED').length,
          silenced: units.filter((u) => u.silenced).length,
          worsening: firing.filter((u) => u.worsening).length,
          units,
        };
      }),
    };
  }

  /** A silence by the key named `actor`, bounded to MAX_SILENCE_DAYS from now (issue 10: one could run to 2099). */
  async createSilence(body: CreateSilenceBody, actor: string) {
    if (!body.unitCode && !body.ruleId) throw new BadRequestException('a silence needs a unitCode, a ruleId, or both');
    if (body.unitCode && !this.units.has(body.unitCode)) throw new BadRequestException(`unitCode ${body.unitCode} is not in the unit catalogue`);
    if (body.ruleId) {
      const rules = await listAlertRules(this.dataSource);
      if (!rules.some((r) => r.id === body.ruleId)) throw new BadRequestException(`ruleId ${body.ruleId} is not a rule in force (${rules.map((r) => r.id).join(', ')})`);
    }
    const now = this.clock.now();
    const startsAt = body.startsAt ? Date.parse(body.startsAt) : now;
    const endsAt = Date.parse(body.endsAt);
    if (endsAt <= startsAt) throw new BadRequestException('endsAt must be after startsAt');
    if (endsAt <= now) throw new BadRequestException('endsAt must be in the future');
    const latest = now + this.settings.MAX_SILENCE_DAYS * 86_400_000;
    if (endsAt > latest) {
      throw new BadRequestException(`a silence may last at most ${this.settings.MAX_SILENCE_DAYS} days: endsAt must not be after ${new Date(latest).toISOString()}`);
    }
    return present(
      await insertSilence(this.dataSource, {
        id: randomUUID(),
        unitCode: body.unitCode ?? null,
        ruleId: body.ruleId ?? null,
        startsAt,
        endsAt,
        reason: body.reason,
        createdBy: actor,
        createdAt: now,
      }),
      now,
    );
  }

  deliveries(q: DeliveriesQuery) {
    return listDeliveries(this.dataSource, q);
  }

  notifications(q: NotificationsQuery) {
    return listNotifications(this.dataSource, q);
  }

  async notification(id: number) {
    const body = Number.isSafeInteger(id) && id > 0 ? await notificationBody(this.dataSource, id) : undefined;
    if (body === undefined) throw new NotFoundException(`no notification ${id}`);
    return JSON.parse(body) as unknown;
  }

  async listSilences(q: SilencesQuery) {
    const now = this.clock.now();
    const rows = await listSilences(this.dataSource, { activeAt: q.active === 'true' ? now : undefined, unitCode: q.unitCode, ruleId: q.ruleId });
    return rows.filter((s) => q.active !== 'false' || !isSilenceActive(s, now)).map((s) => present(s, now));
  }

  async expireSilence(id: string, by: string) {
    const now = this.clock.now();
    const s = await expireSilence(this.dataSource, id, now, by);
    if (!s) throw new NotFoundException(`no silence ${id}`);
    return present(s, now);
  }
}

/**
 * What the rule flags, in Vietnamese, for the dashboard's card heading: "tỷ lệ hồ sơ trực tuyến
 * 30 ngày dưới mục tiêu 80%" (the words of the grouped notifications). From the rule in force,
 * else as its latest alert recorded it; `null` if neither can be read.
 */
function ruleLabel(def: RuleDefinition | undefined, alert: AlertView | undefined): string | null {
  const window = def ? parseWindowName(def.window) : undefined;
  if (def && window) return ruleConditionText({ ...def, window });
  return alert ? ruleConditionText(recordedRule({ ...alert, windowName: alert.window.name })) : null;
}

function present(s: SilenceRow, now: number) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return { ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), expiredAt: iso(s.expiredAt), createdAt: iso(s.createdAt), active: isSilenceActive(s, now) };
}
