import type { AlertScope, AlertState, Severity, TransitionKind } from '@tthc/domain';

/**
 * One alert transition as every channel carries it: `tthc.alerts` (key = unitCode), the SSE
 * stream `GET /api/v1/alerts/stream` (`id:` = transitionId) and the webhook body. The IOC
 * dashboard relies on the first fields; the ones after `message` are additions for receivers
 * that want the kind of change, the window and the silence flag.
 */
export interface AlertMessage {
  /** The transition's id (bigserial): increasing, the SSE event id and `Last-Event-ID`. */
  transitionId: number;
  alertId: string;
  unitCode: string;
  unitName: string;
  ruleId: string;
  metric: string;
  state: AlertState;
  previousState: AlertState | null;
  at: string;
  value: number | null;
  sampleSize: number;
  target: number;
  severity: Severity;
  message: string;
  kind: TransitionKind;
  scope: AlertScope;
  silenced: boolean;
  window: { from: string; to: string } | null;
  acknowledgedBy: string | null;
  note: string | null;
}
