import type { WindowCounts } from '@tthc/domain';
import type { WindowBounds } from '@tthc/persistence';

interface Kept {
  from: string;
  to: string;
  fields: string;
  at: number;
  counts: WindowCounts | undefined;
}

/**
 * The windows the notifier last read from the store, per unit, for the clock tick to judge on
 * again instead of reading them every ALERT_TICK_MS (issue 12). Sound for the reason held
 * snapshots are: the store changes through the aggregator, which publishes a unit's snapshot when
 * its figures change (and every unit when it starts), so a read stays true until a snapshot of
 * the unit newer than it arrives — to this member, so only while it holds every partition of
 * `tthc.metrics.units` (AlertEvaluationPipeline.partitionsAssigned). Without this, a unit that
 * had no snapshot to hold (every unit after the notifier restarts, a quiet one for the rest of
 * the day) was read at every tick.
 * One entry a unit and window name: bounded by the catalogue and the rules.
 */
export class KeptStoreReads {
  private readonly byUnit = new Map<string, Map<string, Kept>>();

  /** `counts` undefined: the unit had no day rows in the window. `fields`: the counts the read summed (`fieldsKey`). */
  keep(unit: string, span: WindowBounds, fields: string, at: number, counts: WindowCounts | undefined): void {
    const kept = this.byUnit.get(unit) ?? new Map<string, Kept>();
    kept.set(span.name, { from: span.from, to: span.to, fields, at, counts });
    this.byUnit.set(unit, kept);
  }

  /** Forgets every read (another member may be receiving some units' snapshots). */
  clear(): void {
    this.byUnit.clear();
  }

  /**
   * What was read of `span` for `unit` with the same fields over the same days, unless a snapshot
   * of the unit made after it (`snapshotAt`, NaN for none) says the figures have changed since.
   */
  find(unit: string, span: WindowBounds, fields: string, snapshotAt: number): { counts: WindowCounts | undefined } | undefined {
    const k = this.byUnit.get(unit)?.get(span.name);
    if (!k || k.from !== span.from || k.to !== span.to || k.fields !== fields) return undefined;
    if (!Number.isNaN(snapshotAt) && snapshotAt > k.at) return undefined;
    return { counts: k.counts };
  }
}

/** The same set of fields gives the same key, whatever their order. */
export const fieldsKey = (fields: readonly string[]): string => [...fields].sort().join(',');
