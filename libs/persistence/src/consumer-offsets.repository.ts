import { type WritePart, runWrites } from './combined-writes';
import type { Sql } from './sql';

/** Stores the partition's next offset, in the transaction that holds its row (`enterDossierBatch`). */
export function nextOffsetWrite(group: string, topic: string, partition: number, nextOffset: string): WritePart {
  return {
    statement: (p) => `UPDATE consumer_offsets SET next_offset = $${p + 3}, updated_at = now() WHERE consumer_group = $${p} AND topic = $${p + 1} AND partition = $${p + 2}`,
    values: [group, topic, partition, nextOffset],
    expectRows: { count: 1, error: () => new Error(`no offset row of ${group} ${topic}/${partition} to store ${nextOffset} in: enterDossierBatch creates it`) },
  };
}

export async function saveNextOffset(sql: Sql, group: string, topic: string, partition: number, nextOffset: string): Promise<void> {
  await runWrites(sql, [nextOffsetWrite(group, topic, partition, nextOffset)]);
}

/** All stored offsets of a group and topic: where to seek after joining the group. */
export async function readNextOffsets(sql: Sql, group: string, topic: string): Promise<Map<number, string>> {
  const rows: { partition: number; next_offset: string }[] = await sql.query(`SELECT partition, next_offset FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND next_offset >= 0`, [
    group,
    topic,
  ]);
  return new Map(rows.map((r) => [Number(r.partition), String(r.next_offset)]));
}

/** The advisory lock key of a consumer group's batch gate (`enterDossierBatch`, `closeBatchGate`). */
const batchGateKey = (group: string) => `tthc-batch-gate:${group}`;

/**
 * Namespace of the unit locks: the first key of PostgreSQL's two-int4 advisory lock form, whose
 * lock space is separate from the one-bigint form the batch gate uses, so a unit's hash can never
 * collide with the gate ("tthc" in ASCII).
 */
const UNIT_LOCK_SPACE = 0x74746863;

export interface DossierBatchEntry {
  group: string;
  topic: string;
  partition: number;
  /** Every unit whose dossiers the batch may write (repeats are harmless: the function locks each hash once). */
  units: Iterable<string>;
  /** `synchronous_commit = off` for this transaction (see the aggregator's batch handler for why that stays exactly once). */
  asynchronousCommit: boolean;
}

/**
 * Opens an aggregator batch in its transaction, in one round trip (migration
 * 1764900000000's `tthc_enter_dossier_batch`), taking its locks in this order:
 *
 * 1. The group's **batch gate**, a PostgreSQL advisory lock on the group's name: every batch
 *    transaction holds it shared (batches never wait for each other), a rebuild holds it
 *    exclusively (`closeBatchGate`: batches wait for the rebuild, and the rebuild for batches in
 *    flight). Unlike locking offset rows, it also covers a partition that has no stored offset yet.
 * 2. The partition's **offset row**, `FOR UPDATE` (created at -1 the first time): offsets are
 *    stored beside the effects they produced, in the same transaction, the aggregator's
 *    exactly-once effect (PRODUCT.md); two instances that both believe they own a partition
 *    (during a rebalance) cannot both apply the same batch. Returns the stored next offset, or
 *    undefined when none was stored yet.
 * 3. Every **unit** of the batch, so two batches that carry events of the same dossier (one
 *    dossier's records on two partitions: partitions added to the validated topic, or a producer
 *    keyed differently; issue 11) apply one after the other instead of both folding from the same
 *    stored state and the later write erasing the earlier. A dossier belongs to one unit (its key
 *    is unit and id), so two batches that share a dossier share its unit.
 *
 * Per unit, not per dossier: PostgreSQL keeps every lock in one table for the whole server
 * (max_locks_per_transaction × max_connections, 6,400 by default), and a batch of 20,000 dossiers
 * held one lock each failed with "out of shared memory". A batch takes at most as many locks as
 * the catalogue has units, whatever its size. It costs no concurrency: the validated topic is keyed
 * by unit, so batches of different partitions hold different units unless the keying changed,
 * which is the case the locks are for. Advisory locks rather than `SELECT … FOR UPDATE`: a dossier
 * a batch is about to create has no row yet. A 32-bit hash of the code may collide; a collision
 * only makes two batches wait for each other, never changes a result.
 *
 * Deadlock-free: every batch takes its unit locks in one global order, ascending hash, in a single
 * statement (PostgreSQL evaluates a volatile target-list function such as pg_advisory_xact_lock
 * after the ORDER BY's sort), and the only locks it holds before them are the shared gate and its
 * own partition's offset row, which no other batch waits for.
 */
export async function enterDossierBatch(sql: Sql, entry: DossierBatchEntry): Promise<string | undefined> {
  const rows: { stored: string | null }[] = await sql.query(
    `SELECT ${entry.asynchronousCommit ? "set_config('synchronous_commit', 'off', true), " : ''}tthc_enter_dossier_batch($1, $2, $3, $4, $5, $6) AS stored`,
    [batchGateKey(entry.group), entry.group, entry.topic, entry.partition, UNIT_LOCK_SPACE, [...entry.units]],
  );
  const v = rows[0]?.stored;
  return v === null || v === undefined || String(v) === '-1' ? undefined : String(v);
}

export interface SourceBatchEntry {
  group: string;
  topic: string;
  partition: number;
  /** The offset after the batch's last record: stored now, so it commits or rolls back with the batch. */
  nextOffset: string;
  /** `synchronous_commit = off` for this transaction: sound because the offset goes with the effects. */
  asynchronousCommit: boolean;
}

/**
 * Opens a batch of a worker whose effects need no locks but its partition's (ingest's raw log),
 * in one round trip (migration 1765100000000's `tthc_enter_source_batch`): locks the partition's
 * offset row (a second instance that believes it owns the partition waits), moves it to
 * `nextOffset` (never backwards: a redelivered batch leaves it where it was) and returns the
 * offset stored before, or undefined when none was. The caller refuses a batch that starts past
 * the returned offset (`refuseOffsetGap`): its transaction rolls back, offset row included.
 */
export async function enterSourceBatch(sql: Sql, entry: SourceBatchEntry): Promise<string | undefined> {
  const rows: { stored: string | null }[] = await sql.query(
    `SELECT ${entry.asynchronousCommit ? "set_config('synchronous_commit', 'off', true), " : ''}tthc_enter_source_batch($1, $2, $3, $4) AS stored`,
    [entry.group, entry.topic, entry.partition, entry.nextOffset],
  );
  const v = rows[0]?.stored;
  return v === null || v === undefined ? undefined : String(v);
}

export async function closeBatchGate(sql: Sql, group: string): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [batchGateKey(group)]);
}
