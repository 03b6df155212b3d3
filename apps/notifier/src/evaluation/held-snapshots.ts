import { type UnitSnapshot, isOlderSnapshot } from '@tthc/contracts';

/**
 * The latest snapshot of each unit received on the partitions of `tthc.metrics.units` this
 * member holds, for the clock tick to judge units on (issue 12): the aggregator publishes a
 * unit's snapshot whenever its figures change and recomputes every unit from the day rows within
 * LIVE_REFRESH_MS, so the latest one is what the store would say, and reading every unit's
 * window from PostgreSQL every ALERT_TICK_MS cost ~1 s of its CPU a tick for a national month
 * (BENCHMARKS.md). A partition handed to another member is forgotten at the group join: its
 * units' snapshots stop arriving here, and the store answers for them again. One entry a unit:
 * the caller holds only units the directory knows.
 */
export class HeldSnapshots {
  private readonly byUnit = new Map<string, { snapshot: UnitSnapshot; partition: number }>();

  /**
   * Snapshots of one partition in offset order: a unit's later one replaces its earlier one, unless
   * it is older than the one held (`isOlderSnapshot`: an aggregator that had not yet seen a join
   * published after the unit's new owner). Returns the snapshots held, the ones to judge.
   */
  hold(partition: number, snapshots: Iterable<UnitSnapshot>): UnitSnapshot[] {
    const held: UnitSnapshot[] = [];
    for (const snapshot of snapshots) {
      const current = this.byUnit.get(snapshot.unitCode);
      if (current && isOlderSnapshot(snapshot, current.snapshot)) continue;
      this.byUnit.set(snapshot.unitCode, { snapshot, partition });
      held.push(snapshot);
    }
    return held;
  }

  /** After a group join: only what arrived on the partitions this member still holds is kept. */
  keepPartitions(partitions: readonly number[]): void {
    for (const [unit, held] of this.byUnit) if (!partitions.includes(held.partition)) this.byUnit.delete(unit);
  }

  all(): ReadonlyMap<string, UnitSnapshot> {
    return new Map([...this.byUnit].map(([unit, held]) => [unit, held.snapshot]));
  }
}
