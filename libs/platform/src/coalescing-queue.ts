/**
 * Work on keyed items, one run at a time, where items submitted while a run waits to start join
 * it (a later item replacing an earlier one of the same key) instead of queueing a run each.
 * `serialise` orders the runs (with whatever else it orders); `work` does one run.
 *
 * Every submission resolves with the result of the first run that starts after it was submitted,
 * so its items were seen by that run: when work falls behind, the runs get larger and fewer;
 * when it keeps up, each submission starts its own run as soon as the previous one ends.
 */
export class CoalescingQueue<K, V, R> {
  private waiting?: { items: Map<K, V>; run: Promise<R> };

  constructor(
    private readonly serialise: (run: () => Promise<R>) => Promise<R>,
    private readonly work: (items: ReadonlyMap<K, V>) => Promise<R>,
  ) {}

  submit(items: Iterable<readonly [K, V]>): Promise<R> {
    if (this.waiting) {
      for (const [k, v] of items) this.waiting.items.set(k, v);
      return this.waiting.run;
    }
    const joined = new Map(items);
    const run = this.serialise(() => {
      // Started: what is submitted from now on waits for the next run, as this one may already have read its input.
      this.waiting = undefined;
      return this.work(joined);
    });
    this.waiting = { items: joined, run };
    return run;
  }
}
