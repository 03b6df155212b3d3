import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Kafka, type Message, Partitioners } from 'kafkajs';

const run = promisify(execFile);

export const KAFKA_LIB_DIR = process.env.KAFKA_LIB_DIR ?? join(homedir(), '.cache/tthc-monitor/kafka-3.9.1/lib');

/** The broker's own producer (org.apache.kafka.tools.ProducerPerformance), acks=all, no throttle. */
export async function javaProducerCeiling(brokers: string, topic: string, records: number, recordSize: number): Promise<number> {
  const { stdout } = await run(
    'java',
    [
      '-Xmx512m',
      '-cp',
      `${KAFKA_LIB_DIR}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordSize),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${brokers}`,
      'acks=all',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  // Last line: "N records sent, X records/sec (Y MB/sec), …"
  const m = /records sent, ([\d.]+) records\/sec/.exec(stdout.trim().split('\n').pop() ?? '');
  if (!m) throw new Error(`unexpected ProducerPerformance output: ${stdout.slice(-300)}`);
  return Number(m[1]);
}

/** The broker's own consumer (ConsumerPerformance): fetch rate, group join excluded. */
export async function javaConsumerCeiling(brokers: string, topic: string, records: number): Promise<number> {
  const { stdout } = await run(
    'java',
    ['-Xmx512m', '-cp', `${KAFKA_LIB_DIR}/*`, 'org.apache.kafka.tools.ConsumerPerformance', '--bootstrap-server', brokers, '--topic', topic, '--messages', String(records), '--timeout', '60000'],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const lines = stdout.trim().split('\n');
  const header = lines.findIndex((l) => l.includes('nMsg.sec'));
  if (header < 0 || !lines[header + 1]) throw new Error(`unexpected ConsumerPerformance output: ${stdout.slice(-300)}`);
  const cols = lines[header].split(',').map((s) => s.trim());
  const vals = lines[header + 1].split(',').map((s) => s.trim());
  const i = cols.indexOf('fetch.nMsg.sec');
  return Number(vals[i >= 0 ? i : cols.indexOf('nMsg.sec')]);
}

/** A bare kafkajs producer: batches of `batchSize`, `inFlight` sends outstanding, acks -1. */
export async function kafkajsProducerCeiling(kafka: Kafka, topic: string, messages: Message[], batchSize = 5_000, inFlight = 6): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const started = Date.now();
    const outstanding = new Set<Promise<unknown>>();
    for (let i = 0; i < messages.length; i += batchSize) {
      const p = producer.send({ topic, acks: -1, messages: messages.slice(i, i + batchSize) }).finally(() => outstanding.delete(p));
      outstanding.add(p);
      while (outstanding.size >= inFlight) await Promise.race(outstanding);
    }
    await Promise.all(outstanding);
    return (messages.length * 1000) / (Date.now() - started);
  } finally {
    await producer.disconnect();
  }
}

/** A bare kafkajs `eachBatch` consumer that JSON.parses every value: the ceiling of a Node consumer. */
export async function kafkajsConsumerCeiling(kafka: Kafka, topic: string, groupId: string, expected: number): Promise<number> {
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 1024 * 1024, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let first = 0;
  let sink = 0;
  try {
    const done = new Promise<number>((resolve) => {
      void consumer.run({
        partitionsConsumedConcurrently: 3,
        eachBatch: async ({ batch }) => {
          if (first === 0) first = Date.now();
          for (const m of batch.messages) {
            try {
              sink += (JSON.parse(m.value!.toString()) as { type: string }).type.length;
            } catch {
              // the file's deliberately malformed lines
            }
          }
          seen += batch.messages.length;
          if (seen >= expected) resolve(Date.now());
        },
      });
    });
    const timeout = new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`kafkajs consumer saw ${seen}/${expected}`)), 120_000).unref());
    const end = await Promise.race([done, timeout]);
    return sink >= 0 ? (seen * 1000) / Math.max(1, end - first) : 0;
  } finally {
    await consumer.disconnect();
  }
}
