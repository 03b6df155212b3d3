/**
 * Paces the live snapshot's partial recomputes while the aggregator catches up on a backlog, so
 * that their PostgreSQL queries take at most `maxDutyPercent` of the time.
 *
 * A recompute's cost grows with the units it covers: a province's ~124 dirty units take tens of
 * milliseconds, a nation's 3,355 during a replay most of a second of PostgreSQL time (BENCHMARKS.md:
 * ~40% of PostgreSQL's executor time in a national replay at LIVE_FLUSH_MS = 300). While batches
 * arrive fetched behind (more records already waiting), after a recompute that queried for D ms
 * the next waits until D × (100 − p) / p ms have passed (4 × D at 20%): a replay's screens are
 * behind anyway, and the recompute would compete with the batches it reports on. Live traffic
 * (fetches that return everything there is) is never paced: the pacing cost the province's
 * freshness at 5,000 events/s (p99 0.9 → 1.9 s) when it applied to every flush. Units stay dirty
 * meanwhile; nothing is skipped, only merged into the next recompute.
 */
export class RecomputePacer {
  private restUntil = -Infinity;
  private catchingUpUntil = -Infinity;

  /** `graceMs`: how long one batch fetched behind keeps the pacing on (a few batches' time). */
  constructor(
    private readonly maxDutyPercent: number,
    private readonly graceMs = 2_000,
  ) {
    if (!(maxDutyPercent > 0 && maxDutyPercent <= 100)) throw new RangeError(`maxDutyPercent must be in (0, 100], got ${maxDutyPercent}`);
  }

  /** A batch was fetched with more records waiting behind it, at `now` (epoch ms). */
  behind(now: number): void {
    this.catchingUpUntil = now + this.graceMs;
  }

  /** Whether a recompute may start at `now`: always in live traffic; while catching up, once rested. */
  ready(now: number): boolean {
    return now >= this.catchingUpUntil || now >= this.restUntil;
  }

  /** Records the queries of a recompute, from `startedAt` to `endedAt` (epoch ms). */
  finished(startedAt: number, endedAt: number): void {
    const took = Math.max(0, endedAt - startedAt);
    this.restUntil = endedAt + (took * (100 - this.maxDutyPercent)) / this.maxDutyPercent;
  }
}
