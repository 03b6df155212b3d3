/** A unit's overdue-open count, the instant it was counted at, and until when it holds. */
interface Counted {
  count: number;
  countedAt: number;
  /** The count holds for every instant in [countedAt, validUntil). */
  validUntil: number;
}

/**
 * The live snapshot's overdue-open count per unit, kept between flushes while it cannot have
 * changed (issue 12). The count of a unit at instant T changes only when one of its open dossiers
 * crosses into overdue (the next crossing, which the count's query returns) or when a batch
 * changes one of its dossiers — and then only from that dossier's overdue instant on (libs/domain
 * `overdueChangeFrom`). So a count holds until the earlier of the two; a receipt due next week
 * does not make the unit's count be read again, a resolution of an overdue dossier does.
 * Re-counting every dirty unit at every flush was most of a flush's PostgreSQL time at 500
 * events/s (BENCHMARKS.md).
 *
 * Exact for what this process applies. What it cannot see — an audit replay, or another
 * instance's last batch for a unit before a rebalance gave the unit to this one — is repaired as
 * the past window sums are: `forget` when the unit's refresh slice comes round (within
 * LIVE_REFRESH_MS), and every count is forgotten when the partition assignment changes.
 *
 * Counts are read one flush at a time (the publisher serialises its recomputes): a change
 * reported while a count is being read is applied to it when it is stored (`finishCount`),
 * since the read may have been taken before that change committed.
 */
export class OverdueCounts {
  private readonly known = new Map<string, Counted>();
  /** While a count is being read: per unit, the earliest instant changed meanwhile. */
  private changedWhileCounting?: Map<string, number>;

  /** The unit's count at `now`, if nothing since it was counted can have changed it. */
  get(unit: string, now: number): number | undefined {
    const k = this.known.get(unit);
    return k && k.countedAt <= now && now < k.validUntil ? k.count : undefined;
  }

  /**
   * The units whose kept count no longer holds at `now` — an open dossier crossed its deadline, or
   * a change reached back before `now` — so that a flush reads them again even if nothing else
   * happens in them: the screens see a dossier become overdue at its deadline, not at the
   * unit's next refresh slice. A few thousand comparisons nationally, per flush tick.
   */
  lapsed(now: number): string[] {
    const out: string[] = [];
    for (const [unit, k] of this.known) if (now >= k.validUntil) out.push(unit);
    return out;
  }

  /** A batch changed dossiers of `unit` whose overdue state can differ from instant `from` on. */
  changed(unit: string, from: number): void {
    if (from === Infinity) return;
    const k = this.known.get(unit);
    if (k && from < k.validUntil) k.validUntil = from;
    if (this.changedWhileCounting) this.changedWhileCounting.set(unit, Math.min(this.changedWhileCounting.get(unit) ?? Infinity, from));
  }

  /** Read the unit's count again at the next flush. */
  forget(unit: string): void {
    this.known.delete(unit);
    this.changedWhileCounting?.set(unit, -Infinity);
  }

  forgetAll(): void {
    for (const unit of [...this.known.keys()]) this.forget(unit);
  }

  beginCount(): void {
    this.changedWhileCounting = new Map();
  }

  /** Stores counts read at `countedAt`; a unit absent from `counted` has no open dossier at all. */
  finishCount(units: readonly string[], countedAt: number, counted: ReadonlyMap<string, { count: number; nextCrossing: number }>): void {
    const meanwhile = this.changedWhileCounting ?? new Map<string, number>();
    this.changedWhileCounting = undefined;
    for (const unit of units) {
      const c = counted.get(unit) ?? { count: 0, nextCrossing: Infinity };
      this.known.set(unit, { count: c.count, countedAt, validUntil: Math.min(c.nextCrossing, meanwhile.get(unit) ?? Infinity) });
    }
  }

  /** The read failed: nothing is stored, and what changed meanwhile is already on the entries. */
  abortCount(): void {
    this.changedWhileCounting = undefined;
  }
}
