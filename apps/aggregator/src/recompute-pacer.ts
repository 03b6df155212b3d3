/**
 * Paces the live snapshot's partial recomputes so they take at most `maxDutyPercent` of the time.
 *
 * A recompute's cost grows with the units it covers: a province's ~124 dirty units take tens of
 * milliseconds, a nation's 3,355 during a replay most of a second of PostgreSQL time (BENCHMARKS.md:
 * ~20% of PostgreSQL's work in a national replay at LIVE_FLUSH_MS = 300). After a recompute that
 * took D ms the next waits until D × (100 − p) / p ms have passed (4 × D at 20%), so the snapshot
 * refreshes as often as LIVE_FLUSH_MS allows when it is cheap (live traffic, the province) and
 * backs off when it is not, instead of competing with the batches it reports on. Units stay dirty
 * meanwhile; nothing is skipped, only merged into the next recompute.
 */
export class RecomputePacer {
  private nextAt = -Infinity;

  constructor(private readonly maxDutyPercent: number) {
    if (!(maxDutyPercent > 0 && maxDutyPercent <= 100)) throw new RangeError(`maxDutyPercent must be in (0, 100], got ${maxDutyPercent}`);
  }

  /** Whether a recompute may start at `now` (epoch ms). */
  ready(now: number): boolean {
    return now >= this.nextAt;
  }

  /** Records a recompute that ran from `startedAt` to `endedAt` (epoch ms). */
  finished(startedAt: number, endedAt: number): void {
    const took = Math.max(0, endedAt - startedAt);
    this.nextAt = endedAt + (took * (100 - this.maxDutyPercent)) / this.maxDutyPercent;
  }
}
