import type { DossierEvent } from './dossier-event';
import { instantOutOfRange } from './event-shape';
import { type Rejection, rejection } from './rejection';

export interface EventRuleContext {
  /** Whether `unitCode` is in the unit catalogue. */
  isKnownUnit(unitCode: string): boolean;
  /** Now, in epoch ms (injected: the domain never reads the clock). */
  now: number;
  /** How far ahead of `now` an occurredAt may be before it is rejected (source clock skew). */
  maxFutureSkewMs: number;
}

/**
 * Business rules an event must meet beyond its shape (PRODUCT.md, event contract): its instants
 * are storable, the unit exists, a receipt's deadline is not before the receipt, and the event
 * did not happen in the future. Returns the first rule broken, or undefined.
 */
export function checkEventRules(event: DossierEvent, ctx: EventRuleContext): Rejection | undefined {
  const outOfRange = instantOutOfRange(event);
  if (outOfRange) return outOfRange;
  if (!ctx.isKnownUnit(event.unitCode)) {
    return rejection('UNKNOWN_UNIT', `unitCode "${event.unitCode}" is not in the unit catalogue`);
  }
  if (event.type === 'RECEIVED' && event.dueAt < event.occurredAt) {
    return rejection('DUE_BEFORE_RECEIPT', `dueAt ${new Date(event.dueAt).toISOString()} is before occurredAt ${new Date(event.occurredAt).toISOString()}`);
  }
  if (event.occurredAt > ctx.now + ctx.maxFutureSkewMs) {
    return rejection('OCCURRED_IN_FUTURE', `occurredAt ${new Date(event.occurredAt).toISOString()} is more than ${Math.round(ctx.maxFutureSkewMs / 1000)} s ahead of now`);
  }
  return undefined;
}
