/** What a consumer tracks of each partition assigned to it. */
export interface PartitionProgress {
  /** Offset of the next message to apply (null before the first fetch). */
  nextOffset: bigint | null;
  /** The partition's end when last fetched. */
  highWatermark: bigint | null;
  /** When the partition last advanced, or was first seen. */
  lastAdvanceAt: number;
  failingAttempts: number;
  lastError: string | null;
}

/**
 * Records a fetched batch. The stall clock starts when lag appears, not at the last batch: a
 * partition idle for an hour that receives a message is not stalled the moment it is fetched.
 */
export function observeFetch(p: PartitionProgress, highWatermark: bigint, firstOffset: bigint | undefined, now: number): void {
  const caughtUp = p.nextOffset === null || p.highWatermark === null || p.nextOffset >= p.highWatermark;
  if (caughtUp) p.lastAdvanceAt = now;
  p.highWatermark = highWatermark;
  if (firstOffset !== undefined) p.nextOffset ??= firstOffset;
}

/** One assigned partition, as a health check sees it. */
export interface PartitionHealth {
  partition: number;
  nextOffset: string | null;
  highWatermark: string | null;
  /** `highWatermark - nextOffset`, when both are known. */
  lag: number | null;
  lastAdvanceAt: string;
  failingAttempts: number;
  lastError: string | null;
  /** Lag and no progress for `stallAfterMs`, or `maxFailedAttempts` failures in a row. */
  stuck: boolean;
}

export interface StuckLimits {
  stallAfterMs: number;
  maxFailedAttempts: number;
}

/**
 * A partition is stuck when messages wait on it and it has not advanced for `stallAfterMs` (a
 * consumer wedged, or a batch retried for ever), or when its batch failed `maxFailedAttempts`
 * times in a row (the database or broker is down). An idle partition with no lag never is.
 */
export function partitionHealth(partition: number, p: PartitionProgress, now: number, limits: StuckLimits): PartitionHealth {
  const lag = p.highWatermark !== null && p.nextOffset !== null ? Number(p.highWatermark - p.nextOffset) : null;
  const stalled = lag !== null && lag > 0 && now - p.lastAdvanceAt > limits.stallAfterMs;
  return {
    partition,
    nextOffset: p.nextOffset?.toString() ?? null,
    highWatermark: p.highWatermark?.toString() ?? null,
    lag,
    lastAdvanceAt: new Date(p.lastAdvanceAt).toISOString(),
    failingAttempts: p.failingAttempts,
    lastError: p.lastError,
    stuck: stalled || p.failingAttempts >= limits.maxFailedAttempts,
  };
}
