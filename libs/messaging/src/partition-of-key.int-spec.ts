import { randomBytes } from 'node:crypto';
import { createLogger } from '@tthc/platform';
import { createKafka, createProducer, withAdmin } from './kafka-client';
import { partitionOfKey } from './partition-of-key';

/** On the real broker: the partition every keyed record the pipeline's producer sends lands in. */
describe('partitionOfKey (real Kafka)', () => {
  const id = randomBytes(4).toString('hex');
  const kafka = createKafka(process.env.KAFKA_BROKERS!, `int-partition-of-key-${id}`, createLogger('int', 'error'));
  const topics: string[] = [];

  afterAll(() => withAdmin(kafka, (admin) => admin.deleteTopics({ topics }).catch(() => undefined)));

  it.each([1, 2, 6, 7])('predicts the partition of 200 unit codes on a topic of %i partitions', async (count) => {
    const topic = `int.partition-of-key.${count}.${id}`;
    topics.push(topic);
    await withAdmin(kafka, (admin) => admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: count }] }));
    const keys = Array.from({ length: 200 }, (_, i) => String(28000 + i * 7));
    const producer = createProducer(kafka);
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: keys.map((key) => ({ key, value: key })) });
    } finally {
      await producer.disconnect();
    }

    const landed = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: `int-partition-of-key-${count}-${id}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${landed.size} of ${keys.length} records read in 20 s`)), 20_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          landed.set(message.key!.toString(), partition);
          if (landed.size === keys.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    }).finally(() => consumer.disconnect());

    expect(new Map(keys.map((k) => [k, partitionOfKey(k, count)]))).toEqual(landed);
    // More than one partition in use, where there is more than one: the prediction is not trivially 0.
    if (count > 1) expect(new Set(landed.values()).size).toBeGreaterThan(1);
  });

  it('refuses a partition count that is not a positive integer', () => {
    expect(() => partitionOfKey('28756', 0)).toThrow(RangeError);
    expect(() => partitionOfKey('28756', 1.5)).toThrow(RangeError);
  });
});
