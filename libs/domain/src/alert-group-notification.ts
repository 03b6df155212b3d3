import type { AlertState, TransitionKind } from './alert-lifecycle';
import { type AlertRule, type AlertScope, type Severity, gapOf, windowName } from './alert-rule';
import { figureText, gapText, ruleConditionText } from './alert-text';

/**
 * One grouped notification (issue 15): what a webhook receiver gets, one message per rule per
 * interval (alert-group-timing.ts) instead of one per unit. PRODUCT.md: when a hundred communes
 * sit below the online target, an operator needs to hear what is new — the units that newly
 * breach or worsen by a further step — not a hundred identical messages. Every alert the
 * message covers appears in exactly one of its lists:
 *
 * - `fired`: newly breaching — the alert fired, or a silence ended while it still breached
 *   (UNSILENCED: the receivers had never been told);
 * - `worsened`: already notified, and its gap grew by a further step;
 * - `resolved`: recovered (Alertmanager's webhook sends resolved alerts too): without it a
 *   receiver could never take a unit off its list;
 * - `acknowledged`: an operator took it on — the only news was that, so the other operators
 *   reading the same channel do not chase it twice.
 *
 * An alert with several transitions in one interval is listed once, by what is newest for the
 * receiver: a unit that fired and recovered before the message went out is in `resolved`, one
 * that fired and worsened is in `fired` with its latest figure; `kinds` and `transitionIds` say
 * what the entry covers. The per-unit transitions stay on `tthc.alerts` and in the log.
 */

/** A transition of the alert log, as a notification is built from it. */
export interface GroupedTransition {
  transitionId: number;
  alertId: string;
  unitCode: string;
  unitName: string;
  kind: TransitionKind;
  state: AlertState;
  at: string;
  value: number | null;
  sampleSize: number;
  target: number;
  window: { from: string; to: string } | null;
  acknowledgedBy: string | null;
  note: string | null;
  message: string;
}

export type GroupListName = 'fired' | 'worsened' | 'resolved' | 'acknowledged';
export const GROUP_LISTS: readonly GroupListName[] = ['fired', 'worsened', 'resolved', 'acknowledged'];

/** One alert in a notification: its latest figure and what happened to it since the last message. */
export interface GroupEntry {
  alertId: string;
  unitCode: string;
  unitName: string;
  /** The alert's state after the last transition covered. */
  state: AlertState;
  value: number | null;
  sampleSize: number;
  target: number;
  /** How far on the bad side of its target (negative once recovered); `null` without a figure. */
  gap: number | null;
  window: { from: string; to: string } | null;
  /** The time of the last transition covered. */
  at: string;
  /** The kinds of the transitions covered, in log order. */
  kinds: TransitionKind[];
  transitionIds: number[];
  acknowledgedBy: string | null;
  note: string | null;
  /** The last transition's own text (alert-text.ts). */
  message: string;
}

export type GroupRule = Pick<AlertRule, 'id' | 'metric' | 'comparison' | 'target' | 'window'> & { severity: Severity; scope: AlertScope };

export interface AlertGroupNotification {
  /** Stable: a repeated delivery (a retry, a resend, a restart) carries the same id. Receivers de-duplicate on it. */
  notificationId: number;
  ruleId: string;
  /** The rule's n-th notification, from 1. */
  sequence: number;
  createdAt: string;
  rule: { metric: string; comparison: string; target: number; window: string; severity: Severity; scope: AlertScope };
  /** One line for humans: what the rule flags and what is new. */
  title: string;
  /** The message for humans, in Vietnamese: the title, then each list, worst gap first. */
  text: string;
  counts: Record<GroupListName, number>;
  /** Units of this rule firing (open or acknowledged) when the message was built. */
  breaching: number;
  /** More units were waiting than one message holds; the next message of the rule follows at once. */
  continues: boolean;
  fired: GroupEntry[];
  worsened: GroupEntry[];
  resolved: GroupEntry[];
  acknowledged: GroupEntry[];
  /** Every transition this message covers, ascending. */
  transitionIds: number[];
}

export interface GroupHeader {
  notificationId: number;
  sequence: number;
  createdAt: string;
  breaching: number;
  continues: boolean;
}

/** Lines per list in `text`; the structured lists always hold every unit. */
export const TEXT_LINES_PER_LIST = 20;

/**
 * The alerts one message takes from the rule's pending transitions (ascending ids): whole
 * alerts, oldest first, at most `maxUnits` of them; `continues` when some had to wait.
 */
export function takeForNotification<T extends Pick<GroupedTransition, 'alertId'>>(pending: readonly T[], maxUnits: number): { taken: T[]; continues: boolean } {
  const alerts = new Set<string>();
  const taken: T[] = [];
  let continues = false;
  for (const t of pending) {
    if (!alerts.has(t.alertId)) {
      if (alerts.size >= maxUnits) {
        continues = true;
        continue;
      }
      alerts.add(t.alertId);
    }
    taken.push(t);
  }
  return { taken, continues };
}

function listOf(kinds: readonly TransitionKind[]): GroupListName {
  if (kinds[kinds.length - 1] === 'RESOLVED') return 'resolved';
  if (kinds.some((k) => k === 'FIRED' || k === 'UNSILENCED')) return 'fired';
  if (kinds.includes('WORSENED')) return 'worsened';
  return 'acknowledged';
}

const byGap = (a: GroupEntry, b: GroupEntry) => (b.gap ?? -Infinity) - (a.gap ?? -Infinity) || a.unitCode.localeCompare(b.unitCode);

const SEVERITY_VI: Record<Severity, string> = { info: 'Thông tin', warning: 'Cảnh báo', critical: 'Cảnh báo nghiêm trọng' };

function headings(rule: GroupRule): Record<GroupListName, string> {
  const worse = rule.comparison === 'below' ? 'giảm thêm' : 'tăng thêm';
  return { fired: 'mới vi phạm', worsened: worse, resolved: 'đã phục hồi', acknowledged: 'đã được tiếp nhận' };
}

function entryLine(rule: GroupRule, list: GroupListName, e: GroupEntry): string {
  const who = `${e.unitName} (${e.unitCode})`;
  const figure = figureText(rule.metric, e.value);
  if (list === 'acknowledged') {
    const by = e.acknowledgedBy ? `: ${e.acknowledgedBy}` : '';
    return `• ${who}${by}${e.note ? ` — “${e.note}”` : ''}`;
  }
  if (list === 'resolved' || e.value === null) return `• ${who}: ${figure}`;
  return `• ${who}: ${figure}, ${gapText(rule, e.value, e.target)}`;
}

/** Builds the message for the transitions `taken` (one rule's, ascending ids). */
export function groupNotification(header: GroupHeader, rule: GroupRule, taken: readonly GroupedTransition[]): AlertGroupNotification {
  const byAlert = new Map<string, GroupedTransition[]>();
  for (const t of taken) byAlert.set(t.alertId, [...(byAlert.get(t.alertId) ?? []), t]);
  const lists: Record<GroupListName, GroupEntry[]> = { fired: [], worsened: [], resolved: [], acknowledged: [] };
  for (const ts of byAlert.values()) {
    const last = ts[ts.length - 1];
    const ack = [...ts].reverse().find((t) => t.kind === 'ACKNOWLEDGED');
    const kinds = ts.map((t) => t.kind);
    lists[listOf(kinds)].push({
      alertId: last.alertId,
      unitCode: last.unitCode,
      unitName: last.unitName,
      state: last.state,
      value: last.value,
      sampleSize: last.sampleSize,
      target: last.target,
      gap: last.value === null ? null : gapOf({ comparison: rule.comparison, target: last.target }, last.value),
      window: last.window,
      at: last.at,
      kinds,
      transitionIds: ts.map((t) => t.transitionId),
      acknowledgedBy: ack?.acknowledgedBy ?? null,
      note: ack?.note ?? null,
      message: last.message,
    });
  }
  for (const name of GROUP_LISTS) lists[name].sort(byGap);
  const counts = { fired: lists.fired.length, worsened: lists.worsened.length, resolved: lists.resolved.length, acknowledged: lists.acknowledged.length };

  const words = headings(rule);
  const news = GROUP_LISTS.filter((n) => counts[n] > 0).map((n) => `${counts[n]} đơn vị ${words[n]}`);
  const title = `${SEVERITY_VI[rule.severity]}: ${ruleConditionText(rule)} — ${news.join(', ')}; ${header.breaching} đơn vị đang vi phạm`;
  const lines = [title];
  for (const name of GROUP_LISTS) {
    const entries = lists[name];
    if (entries.length === 0) continue;
    const heading = words[name];
    lines.push('', `${heading.charAt(0).toLocaleUpperCase('vi')}${heading.slice(1)} (${entries.length} đơn vị):`);
    lines.push(...entries.slice(0, TEXT_LINES_PER_LIST).map((e) => entryLine(rule, name, e)));
    if (entries.length > TEXT_LINES_PER_LIST) lines.push(`• … và ${entries.length - TEXT_LINES_PER_LIST} đơn vị khác`);
  }
  if (header.continues) lines.push('', 'Còn đơn vị khác: xem tin nhắn tiếp theo.');

  return {
    notificationId: header.notificationId,
    ruleId: rule.id,
    sequence: header.sequence,
    createdAt: header.createdAt,
    rule: { metric: rule.metric, comparison: rule.comparison, target: rule.target, window: windowName(rule.window), severity: rule.severity, scope: rule.scope },
    title,
    text: lines.join('\n'),
    counts,
    breaching: header.breaching,
    continues: header.continues,
    ...lists,
    transitionIds: taken.map((t) => t.transitionId).sort((a, b) => a - b),
  };
}
