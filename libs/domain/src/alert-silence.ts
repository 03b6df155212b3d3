/**
 * A silence (issue 3): a unit, a rule, or one unit × rule muted until a time, with a reason.
 * Silenced alerts still go through their lifecycle and are recorded; only notification stops.
 */
export interface Silence {
  id: string;
  /** `null`: every unit. */
  unitCode: string | null;
  /** `null`: every rule. */
  ruleId: string | null;
  startsAt: number;
  endsAt: number;
  /** Set when an operator ends the silence early. */
  expiredAt: number | null;
}

export function isSilenceActive(s: Silence, now: number): boolean {
  return s.startsAt <= now && now < s.endsAt && (s.expiredAt === null || now < s.expiredAt);
}

/** The first active silence that covers `unitCode` × `ruleId` at `now`, if any. */
export function findSilence(silences: readonly Silence[], unitCode: string, ruleId: string, now: number): Silence | undefined {
  return silences.find((s) => isSilenceActive(s, now) && (s.unitCode === null || s.unitCode === unitCode) && (s.ruleId === null || s.ruleId === ruleId));
}
