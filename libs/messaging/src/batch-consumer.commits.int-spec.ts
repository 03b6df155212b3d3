import { randomBytes } from 'node:crypto';
import { type Consumer, type ConsumerConfig, type Kafka, Partitioners } from 'kafkajs';
import { createLogger } from '@tthc/platform';
import { BatchConsumer, type PartitionBatch } from './batch-consumer';
import { createKafka } from './kafka-client';

/**
 * When the batch runner commits its position to Kafka (KAFKA_COMMIT_INTERVAL_MS, issue 12), on
 * the real broker: with an interval, the applied positions go out in a few requests, the last one
 * within the interval of the last batch even when no batch follows, and at stop; without one,
 * after every batch. Commits are counted from kafkajs' own COMMIT_OFFSETS event.
 */
describe('BatchConsumer offset commits (real Kafka)', () => {
  const id = randomBytes(4).toString('hex');
  const kafka = createKafka(process.env.KAFKA_BROKERS!, `int-commits-${id}`, createLogger('int', 'error'));
  const topics: string[] = [];

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  /** A fresh two-partition topic, and a producer that trickles `count` messages onto it, one every `everyMs`. */
  async function trickle(topic: string, from: number, count: number, everyMs: number): Promise<void> {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      for (let i = from; i < from + count; i++) {
        await producer.send({ topic, acks: -1, messages: [{ partition: i % 2, value: `v${i}` }] });
        await new Promise((r) => setTimeout(r, everyMs));
      }
    } finally {
      await producer.disconnect();
    }
  }

  async function newTopic(name: string): Promise<string> {
    const topic = `int.commits.${name}.${id}`;
    topics.push(topic);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    return topic;
  }

  async function committed(groupId: string, topic: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [g] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return g.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    } finally {
      await admin.disconnect();
    }
  }

  async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return Date.now();
  }

  /** The runner over `topic`, on a Kafka whose consumers report each offset commit they send. */
  function runner(topic: string, groupId: string, commitIntervalMs: number | undefined, applied: PartitionBatch[], commits: number[]): BatchConsumer {
    const counting = Object.create(kafka) as Kafka;
    counting.consumer = (config: ConsumerConfig): Consumer => {
      const consumer = kafka.consumer(config);
      consumer.on(consumer.events.COMMIT_OFFSETS, () => commits.push(Date.now()));
      return consumer;
    };
    return new BatchConsumer({
      kafka: counting,
      groupId,
      topic,
      logger: createLogger('int', 'silent'),
      maxWaitTimeInMs: 50,
      commitIntervalMs,
      onFatal: (e) => {
        throw e;
      },
      handleBatch: async (batch) => {
        applied.push(batch);
      },
      deadLetter: async () => undefined,
    });
  }

  const count = (batches: PartitionBatch[]) => batches.reduce((n, b) => n + b.messages.length, 0);

  it('with an interval: a few commits for many batches, the last within the interval of the last batch, and one at stop', async () => {
    const topic = await newTopic('interval');
    const groupId = `int-commits-interval-${id}`;
    const applied: PartitionBatch[] = [];
    const commits: number[] = [];
    const consumer = runner(topic, groupId, 400, applied, commits);
    await consumer.start();
    try {
      const started = Date.now();
      await trickle(topic, 0, 40, 40);
      const lastApplied = await until('40 messages applied', () => count(applied) === 40, 30_000);
      const allCommitted = await until('every applied position committed', async () => (await committed(groupId, topic)) === 40, 10_000);
      // No batch followed the last one: the timer committed it, within the interval (plus the polling here).
      expect(allCommitted - lastApplied).toBeLessThan(400 + 1_000);
      // Each message came alone, so nearly every batch was one message; a commit per batch would be ~40.
      expect(applied.length).toBeGreaterThanOrEqual(20);
      const windows = Math.ceil((allCommitted - started) / 400);
      expect(commits.length).toBeLessThanOrEqual(windows + 1);
      expect(commits.length).toBeLessThan(applied.length / 2);

      // Applied, then stopped before the timer fires: the stop commits it.
      await trickle(topic, 40, 2, 0);
      await until('42 messages applied', () => count(applied) === 42, 30_000);
      await consumer.stop();
      expect(await committed(groupId, topic)).toBe(42);
    } finally {
      await consumer.stop();
    }
  });

  it('without an interval: a commit after every batch', async () => {
    const topic = await newTopic('each');
    const groupId = `int-commits-each-${id}`;
    const applied: PartitionBatch[] = [];
    const commits: number[] = [];
    const consumer = runner(topic, groupId, undefined, applied, commits);
    await consumer.start();
    try {
      await trickle(topic, 0, 20, 40);
      await until('20 messages applied', () => count(applied) === 20, 30_000);
      await until('every batch committed', () => commits.length === applied.length, 5_000);
      expect(await committed(groupId, topic)).toBe(20);
      expect(commits.length).toBe(applied.length);
    } finally {
      await consumer.stop();
    }
  });
});
