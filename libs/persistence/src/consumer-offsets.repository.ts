import type { Sql } from './sql';

/**
 * Offsets stored beside the effects they produced, in the same transaction: the aggregator's
 * exactly-once effect (PRODUCT.md). The row is locked for the transaction, so two instances that
 * both believe they own a partition (during a rebalance) cannot both apply the same batch.
 */
export async function lockNextOffset(sql: Sql, group: string, topic: string, partition: number): Promise<string | undefined> {
  await sql.query(
    `INSERT INTO consumer_offsets (consumer_group, topic, partition, next_offset)
     VALUES ($1, $2, $3, -1) ON CONFLICT DO NOTHING`,
    [group, topic, partition],
  );
  const rows: { next_offset: string }[] = await sql.query(`SELECT next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND partition = $3 FOR UPDATE`, [group, topic, partition]);
  const v = rows[0]?.next_offset;
  return v === undefined || v === '-1' ? undefined : String(v);
}

export async function saveNextOffset(sql: Sql, group: string, topic: string, partition: number, nextOffset: string): Promise<void> {
  await sql.query(
    `UPDATE consumer_offsets SET next_offset = $4, updated_at = now()
      WHERE consumer_group = $1 AND topic = $2 AND partition = $3`,
    [group, topic, partition, nextOffset],
  );
}

/** All stored offsets of a group and topic: where to seek after joining the group. */
export async function readNextOffsets(sql: Sql, group: string, topic: string): Promise<Map<number, string>> {
  const rows: { partition: number; next_offset: string }[] = await sql.query(`SELECT partition, next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND next_offset >= 0`, [
    group,
    topic,
  ]);
  return new Map(rows.map((r) => [Number(r.partition), String(r.next_offset)]));
}

/**
 * A consumer group's batch gate, as a PostgreSQL advisory lock on the group's name: every
 * aggregator batch transaction holds it shared (batches never wait for each other), a rebuild
 * holds it exclusively (batches wait for the rebuild, and the rebuild for batches in flight).
 * Unlike locking offset rows, it also covers a partition that has no stored offset yet.
 */
export async function enterBatchGate(sql: Sql, group: string): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock_shared(hashtext($1))`, [`tthc-batch-gate:${group}`]);
}

export async function closeBatchGate(sql: Sql, group: string): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`tthc-batch-gate:${group}`]);
}
