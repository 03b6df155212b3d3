import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { createKafka, withAdmin } from '@tthc/messaging';
import { createLogger } from '@tthc/platform';
import { sharePartitions } from './partition-assignment';

/** sharePartitions on the real broker: the partition count read after a join, and only for the latest join. */
describe('sharePartitions (real Kafka)', () => {
  const id = randomBytes(4).toString('hex');
  const kafka = createKafka(process.env.KAFKA_BROKERS!, `int-share-${id}`, createLogger('int', 'error'));
  const topic = `int.share.${id}`;
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('spec', 'info', new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) }));

  beforeAll(() => withAdmin(kafka, (admin) => admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] })));
  afterAll(() => withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [topic] }).catch(() => undefined)));

  /** The calls `share` received, once `settleMs` passed without a new one. */
  async function calls(joins: number[][]): Promise<[number[], number | undefined][]> {
    const seen: [number[], number | undefined][] = [];
    const assigned = sharePartitions(kafka, topic, logger, 'carrying on without it', (partitions, count) => seen.push([partitions, count]));
    for (const partitions of joins) assigned(partitions);
    for (let quiet = 0, last = -1; quiet < 10; quiet = seen.length === last ? quiet + 1 : 0, last = seen.length) await new Promise((r) => setTimeout(r, 200));
    return seen;
  }

  it('tells the partitions at once, then with the count read from the brokers', async () => {
    expect(await calls([[0, 2]])).toEqual([
      [[0, 2], undefined],
      [[0, 2], 3],
    ]);
  });

  it('does not apply the count read for a join after a later join', async () => {
    expect(await calls([[0, 1, 2], [1]])).toEqual([
      [[0, 1, 2], undefined],
      [[1], undefined],
      [[1], 3],
    ]);
  });

  it('reads no count for an empty assignment', async () => {
    expect(await calls([[]])).toEqual([[[], undefined]]);
  });

  it('logs what the worker does when the count cannot be read, and leaves the first call standing', async () => {
    // No broker on that port: the admin's connection is refused at once.
    const nowhere = new Kafka({ clientId: `int-share-nowhere-${id}`, brokers: ['127.0.0.1:1'], retry: { retries: 0 }, connectionTimeout: 500, logLevel: logLevel.NOTHING });
    const seen: [number[], number | undefined][] = [];
    sharePartitions(nowhere, topic, logger, 'carrying on without it', (partitions, count) => seen.push([partitions, count]))([0]);
    const deadline = Date.now() + 10_000;
    const logged = () => lines.find((l) => l.msg === 'partition count unread after a group join: carrying on without it');
    while (!logged() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(logged()).toMatchObject({ topic, level: 40 });
    expect(seen).toEqual([[[0], undefined]]);
  });
});
