/**
 * A batch that starts past the offset the handler stored with its last effects: the records in
 * between were never applied (a Kafka group offset ahead of the stored one, or a commit the
 * database lost in a crash while the consumer had moved on; issue 11). Applying the batch would
 * lose them silently, so the handler refuses it (its transaction rolls back) and the batch
 * consumer seeks back to `expected` instead of retrying the same batch.
 */
export class OffsetGapError extends Error {
  override readonly name = 'OffsetGapError';

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** The stored next offset: where the partition must be read from. */
    readonly expected: string,
    /** The batch's first offset. */
    readonly got: string,
  ) {
    super(`${topic}/${partition}: batch starts at offset ${got}, past the stored next offset ${expected}`);
  }

  /** By name as well as class: the error crosses Nest's handler invocation, which must not matter. */
  static is(error: unknown): error is OffsetGapError {
    return error instanceof OffsetGapError || (error as { name?: unknown } | null)?.name === 'OffsetGapError';
  }
}

/**
 * For a handler that stores its next offset with its effects: throws OffsetGapError when the batch
 * starts past `stored` (the records in between would be lost for good), before anything of it is
 * applied. A batch starting at or before it is normal after a crash or a rebalance.
 */
export function refuseOffsetGap(batch: { topic: string; partition: number; messages: readonly { offset: string }[] }, stored: string | undefined): void {
  const first = batch.messages[0].offset;
  if (stored !== undefined && BigInt(first) > BigInt(stored)) throw new OffsetGapError(batch.topic, batch.partition, stored, first);
}
