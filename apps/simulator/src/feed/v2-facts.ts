import type { PaymentMethod } from '@tthc/domain';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, deadlineFor, localDayIndex } from './local-time';
import { Prng } from './prng';

/**
 * What a v2 source says about a dossier beyond v1 (issue 15; docs/event-contract.md), drawn so
 * the v1 facts do not move: the v2 draws come from a sub-stream of their own, keyed by
 * (seed, 'v2', day), so turning v2 on or off (or changing `v2Share`) leaves every v1 event of
 * the feed — ids, times, channels, resolutions — exactly as it was.
 *
 * Proportions. Where the province has published a figure it is used; the rest are this
 * simulator's assumptions, chosen to be plausible for a province far from its 2026 target:
 * - results digitised: 60–100% by level in 2024 (issue 15, the province's figure) → the
 *   provincial centre draws its unit share in [0.9, 1.0], a commune in [0.6, 1.0];
 * - components digitised at receipt: assumption, a unit share in [0.5, 0.95];
 * - fully online ("toàn trình"): only an online submission can be; assumption, 50% of a
 *   commune's and 65% of the provincial centre's online dossiers, so with the published 51.66%
 *   channel share the province sits near 30% against the 80% target;
 * - electronic result: every fully-online dossier (that is what fully online means), and
 *   assumption 15% of the others;
 * - data reused: assumption 25% of resolutions (Đề án 06 reuse is young);
 * - payment: assumption 40% of dossiers carry a fee, paid within an hour of receipt; a fully
 *   online dossier pays online, another online submission does with 30% probability, a direct
 *   one at the counter;
 * - rating: assumption 20% of resolved dossiers are rated, 1 h – 2 days after the result;
 *   scores 5/4/3/2/1 with 60/25/10/3/2%;
 * - feedback (phản ánh, kiến nghị): assumption 0.5% of dossiers, 1–5 days after receipt, its own
 *   deadline 10 working days later, answered on time 85% of the time (else 1–5 days late);
 * - withdrawn: assumption half the dossiers that are never resolved were withdrawn 1–3 days after receipt.
 */
export interface V2Plan {
  fullyOnline: boolean;
  componentsDigitized: boolean;
  /** Present when resolved. */
  resultElectronic: boolean;
  resultDigitized: boolean;
  dataReused: boolean;
  payment?: { at: number; method: PaymentMethod; eventId: string };
  rating?: { at: number; score: number; eventId: string };
  feedback?: { at: number; dueAt: number; eventId: string; resolvedAt: number; resolvedEventId: string };
  withdrawal?: { at: number; eventId: string };
}

/** Per-unit rates of the v2 sources (drawn once per unit from the seed). */
export interface V2UnitRates {
  /** Whether this unit's source system speaks v2 (else it is an "old" v1 source). */
  isV2: boolean;
  componentsDigitized: number;
  resultDigitized: number;
  fullyOnlineOfOnline: number;
}

export function v2UnitRates(seed: number, unitCode: string, isCentre: boolean, v2Share: number): V2UnitRates {
  const rng = new Prng(seed, 'v2-unit', unitCode);
  return {
    isV2: rng.next() < v2Share,
    componentsDigitized: rng.between(0.5, 0.95),
    resultDigitized: isCentre ? rng.between(0.9, 1.0) : rng.between(0.6, 1.0),
    fullyOnlineOfOnline: isCentre ? 0.65 : 0.5,
  };
}

const SCORE_CUMULATIVE = [0.02, 0.05, 0.15, 0.4, 1];
const wholeSeconds = (ms: number): number => Math.round(ms / SECOND_MS) * SECOND_MS;

export interface V2Inputs {
  online: boolean;
  receivedAt: number;
  resolvedAt?: number;
}

/**
 * One dossier's v2 facts. Called for every dossier of a day in order (kept or not), from the
 * day's v2 stream, so the draws of one dossier never depend on another's v1 outcome.
 */
export function planV2(rng: Prng, rates: V2UnitRates, d: V2Inputs): V2Plan {
  // A fixed number of draws per dossier keeps the sub-stream aligned whatever the branches.
  const u = Array.from({ length: 16 }, () => rng.next());
  const ids = Array.from({ length: 5 }, () => rng.uuidV4());
  const fullyOnline = d.online && u[0] < rates.fullyOnlineOfOnline;
  const plan: V2Plan = {
    fullyOnline,
    componentsDigitized: u[1] < rates.componentsDigitized,
    resultElectronic: fullyOnline || u[2] < 0.15,
    resultDigitized: u[3] < rates.resultDigitized,
    dataReused: u[4] < 0.25,
  };
  if (u[5] < 0.4) {
    const method: PaymentMethod = fullyOnline || (d.online && u[6] < 0.3) ? 'ONLINE' : 'COUNTER';
    plan.payment = { at: d.receivedAt + wholeSeconds(MINUTE_MS + u[7] * HOUR_MS), method, eventId: ids[0] };
  }
  if (d.resolvedAt !== undefined && u[8] < 0.2) {
    const score = SCORE_CUMULATIVE.findIndex((c) => u[9] < c) + 1;
    plan.rating = { at: d.resolvedAt + wholeSeconds(HOUR_MS + u[10] * 2 * DAY_MS), score, eventId: ids[1] };
  }
  if (u[11] < 0.005) {
    const at = d.receivedAt + wholeSeconds(DAY_MS + u[12] * 4 * DAY_MS);
    const dueAt = deadlineFor(localDayIndex(at), 10);
    // On time: somewhere before the deadline (10 working days leave well over an hour); late: 1–5 days after it.
    const resolvedAt = u[13] < 0.85 ? at + wholeSeconds(HOUR_MS + u[14] * 0.9 * (dueAt - at - HOUR_MS)) : dueAt + wholeSeconds(DAY_MS + u[14] * 4 * DAY_MS);
    plan.feedback = { at, dueAt, eventId: ids[2], resolvedAt, resolvedEventId: ids[3] };
  }
  if (d.resolvedAt === undefined && u[15] < 0.5) {
    plan.withdrawal = { at: d.receivedAt + wholeSeconds(DAY_MS + u[15] * 4 * DAY_MS), eventId: ids[4] };
  }
  return plan;
}
