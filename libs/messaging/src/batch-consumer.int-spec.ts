import { randomBytes } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import type { Failure } from '@tthc/platform';
import { createLogger } from '@tthc/platform';
import { ScratchDatabase } from '../../../test/support/scratch-database';
import { BatchConsumer, type PartitionBatch, fetchedBehind } from './batch-consumer';
import { createKafka } from './kafka-client';

/**
 * The batch runner on the real broker, with failures PostgreSQL really raises: a message the
 * database refuses is split out of its batch and dead-lettered alone; everything else is applied
 * once, in order; a transient failure is retried until it passes.
 */
describe('BatchConsumer (real Kafka, PostgreSQL)', () => {
  const id = randomBytes(4).toString('hex');
  const topic = `int.batch.${id}`;
  const kafka = createKafka(process.env.KAFKA_BROKERS!, `int-${id}`, createLogger('int', 'error'));
  let db: ScratchDatabase;

  beforeAll(async () => {
    db = await ScratchDatabase.create();
    await db.query(`CREATE TABLE applied (offset_ bigint PRIMARY KEY, value text NOT NULL)`);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // 60 messages; 3 of them are numbers PostgreSQL will not divide by (a data error, SQLSTATE 22012).
    const values = Array.from({ length: 60 }, (_, i) => ([7, 8, 41].includes(i) ? 'poison' : `v${i}`));
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
    await producer.disconnect();
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await db?.close();
  });

  it('applies every good message once and in order, dead-letters exactly the refused ones, retries the transient failure', async () => {
    const dead: { offset: string; failure: Failure }[] = [];
    let transientLeft = 2;
    let fatal: unknown;
    const handed: PartitionBatch[] = [];
    const consumer = new BatchConsumer({
      kafka,
      groupId: `int-${id}`,
      topic,
      logger: createLogger('int', 'silent'),
      onFatal: (e) => (fatal = e),
      // One transaction per (sub-)batch; a poison value makes PostgreSQL raise division_by_zero.
      handleBatch: async (batch: PartitionBatch) => {
        handed.push(batch);
        if (transientLeft-- > 0) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
        await db.dataSource.transaction(async (tx) => {
          for (const m of batch.messages) {
            const v = m.value!.toString();
            await tx.query(`INSERT INTO applied (offset_, value) VALUES ($1, $2 || (1 / $3::int))`, [m.offset, v, v === 'poison' ? 0 : 1]);
          }
        });
      },
      deadLetter: async (batch, failure) => {
        dead.push({ offset: batch.messages[0].offset, failure });
      },
    });
    await consumer.start();
    try {
      const deadline = Date.now() + 60_000;
      while ((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applied`))[0].n < 57 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    } finally {
      await consumer.stop();
    }
    expect(fatal).toBeUndefined();
    expect(dead.map((d) => d.offset)).toEqual(['7', '8', '41']);
    expect(dead.every((d) => d.failure.kind === 'data' && d.failure.code === '22012' && d.failure.source === 'postgresql')).toBe(true);
    const applied = await db.query<{ offset_: string; value: string }>(`SELECT offset_::text, value FROM applied ORDER BY applied.offset_`);
    expect(applied.map((r) => Number(r.offset_))).toEqual(Array.from({ length: 60 }, (_, i) => i).filter((i) => ![7, 8, 41].includes(i)));
    expect(consumer.health().isolated).toBe(3);
    // Every batch knows the partition's end at its fetch: the whole 60 was there from the start,
    // so the parts split off before the end were fetched behind, and the one reaching it was not.
    expect(new Set(handed.map((b) => b.highWatermark))).toEqual(new Set(['60']));
    expect(handed.filter((b) => b.nextOffset !== '60').every(fetchedBehind)).toBe(true);
    expect(handed.filter((b) => b.nextOffset === '60').some(fetchedBehind)).toBe(false);
  });
});
