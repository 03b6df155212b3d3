import { partitionOfKey } from '@tthc/messaging';

type Share = { kind: 'before-join' } | { kind: 'unknown' } | { kind: 'none' } | { kind: 'held'; partitions: ReadonlySet<number>; partitionCount: number };

/**
 * Which units this aggregator writes and publishes the live snapshot of (LiveSnapshotPublisher): those
 * whose records the validated topic, keyed by unit, puts in a partition this member holds. Beside
 * a second aggregator, refreshing the other member's units raced with its flushes: a refresh
 * that read the day rows before the owner's batch committed, and wrote Redis and published after
 * the owner's flush, put older figures over newer ones (and an older snapshot after a newer one
 * on `tthc.metrics.units`, which the notifier judges on) until the owner flushed the unit again.
 *
 * No unit before the first group join: a member starting beside others cannot know which are
 * its own, and a start-up recompute of every unit put older figures over the owners' newer ones
 * (the national runs with two aggregators, BENCHMARKS.md). After a join, every unit until the
 * topic's partition count was read once (a lone aggregator owns them all); after a later join
 * whose count is not read yet, the last count read stands in (partitions are seldom added). A
 * member that holds no partition owns no unit.
 */
export class UnitOwnership {
  private share: Share = { kind: 'before-join' };
  /** The topic's partition count as last read from the brokers. */
  private lastCount?: number;
  /** Each unit's partition for `lastCount` partitions. Bounded by the catalogue. */
  private readonly partitionOf = new Map<string, number>();

  /** After a group join: the partitions held, and the topic's partition count when known. */
  assigned(partitions: readonly number[], partitionCount: number | undefined): void {
    if (partitionCount !== undefined && partitionCount !== this.lastCount) {
      this.lastCount = partitionCount;
      this.partitionOf.clear();
    }
    if (partitions.length === 0) this.share = { kind: 'none' };
    else if (this.lastCount === undefined) this.share = { kind: 'unknown' };
    else this.share = { kind: 'held', partitions: new Set(partitions), partitionCount: this.lastCount };
  }

  /** The units of `units` this member refreshes, in their order. */
  own(units: readonly string[]): string[] {
    const share = this.share;
    if (share.kind === 'unknown') return [...units];
    if (share.kind === 'none' || share.kind === 'before-join') return [];
    return units.filter((unit) => share.partitions.has(this.partition(unit, share.partitionCount)));
  }

  private partition(unit: string, partitionCount: number): number {
    let p = this.partitionOf.get(unit);
    if (p === undefined) {
      p = partitionOfKey(unit, partitionCount);
      this.partitionOf.set(unit, p);
    }
    return p;
  }
}
