import type { INestMicroservice } from '@nestjs/common';
import { AggregatorModule } from '../apps/aggregator/src/aggregator.module';
import { startWorker } from '@tthc/infrastructure';
import { validatedReceipts } from './support/dossier-events';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';

/**
 * The aggregator keeps its offsets in PostgreSQL with its effects; Kafka's committed offsets only
 * show lag. Whatever Kafka's group offset says, every record of the validated topic must be
 * applied once (issue 11): a batch that would start past the stored offset is read again from
 * it, and nothing below the stored offset is applied again. On the real broker, one partition.
 */
describe('aggregator stored offsets against the Kafka group offset (real Kafka, PostgreSQL)', () => {
  const clock = fixedClock('2025-07-31T12:00:00+07:00');
  const T = Date.parse('2025-07-15T09:00:00+07:00');
  const UNITS = ['28756', '28777', '28783'] as const;
  let h: PipelineHarness;
  let app: INestMicroservice | undefined;
  let lines: string[] = [];
  let n = 0;

  /** `count` new dossiers received in `unit`, in the validated topic's wire form. */
  const produce = (unit: string, count: number) => {
    const messages = validatedReceipts(unit, n + 1, count, T);
    n += count;
    return h.produce(messages, h.env.TOPIC_VALIDATED);
  };
  const receivedByUnit = async () => {
    const rows = await h.sql<{ unit_code: string; n: number }>(`SELECT unit_code, sum(received_total)::int AS n FROM unit_daily_counters GROUP BY unit_code`);
    return Object.fromEntries(UNITS.map((u) => [u, rows.find((r) => r.unit_code === u)?.n ?? 0]));
  };
  const storedOffset = async () => (await h.sql<{ o: string }>(`SELECT next_offset::text AS o FROM consumer_offsets WHERE consumer_group = $1 AND partition = 0`, [h.env.AGGREGATOR_GROUP_ID]))[0]?.o;
  const waitStored = (offset: number) => eventually(async () => expect(await storedOffset()).toBe(String(offset)), 60_000);
  const start = async () => {
    const logDestination = { write: (line: string) => void lines.push(line) };
    app = await startWorker(AggregatorModule.register, { env: h.env, databaseSchema: h.schema, clock, logDestination }, { logger: ['error', 'warn'] });
  };
  const stop = async () => {
    await app?.close();
    app = undefined;
  };
  /** What an operator's `kafka-consumer-groups.sh --reset-offsets` does (the group has no members). */
  const setGroupOffset = async (offset: number) => {
    const admin = h.kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: h.env.AGGREGATOR_GROUP_ID!, topic: h.env.TOPIC_VALIDATED!, partitions: [{ partition: 0, offset: String(offset) }] });
    await admin.disconnect();
  };

  beforeEach(async () => {
    lines = [];
    h = await PipelineHarness.create(clock, { TOPIC_PARTITIONS: '1', LOG_LEVEL: 'info' });
  });
  afterEach(async () => {
    await stop();
    await h?.close();
  });

  it('a group offset past the stored offset: the records in between are still applied, once', async () => {
    await produce(UNITS[0], 10);
    await start();
    await waitStored(10);
    await stop();
    await produce(UNITS[1], 20);
    await setGroupOffset(25);
    await start();
    await waitStored(30);
    expect(await receivedByUnit()).toEqual({ [UNITS[0]]: 10, [UNITS[1]]: 20, [UNITS[2]]: 0 });
  });

  it('no stored offset and a group offset past the start: the partition is read from its first record', async () => {
    await produce(UNITS[0], 25);
    await produce(UNITS[1], 5);
    await setGroupOffset(25);
    await start();
    await waitStored(30);
    expect(await receivedByUnit()).toEqual({ [UNITS[0]]: 25, [UNITS[1]]: 5, [UNITS[2]]: 0 });
    expect(lines.some((l) => l.includes('no stored offset for these partitions'))).toBe(true);
  });

  it('the database lost its last commits while the consumer moved on: the next batch finds the gap and the partition is read again from the stored offset', async () => {
    await produce(UNITS[0], 10);
    await produce(UNITS[1], 10);
    await start();
    await waitStored(20);
    // What a PostgreSQL crash under asynchronous commit can leave (issue 12): the last batch's
    // effects and stored offset gone, while the consumer's position is past them.
    await h.sql(`BEGIN;
      DELETE FROM dossiers WHERE unit_code = '${UNITS[1]}';
      DELETE FROM unit_daily_counters WHERE unit_code = '${UNITS[1]}';
      UPDATE consumer_offsets SET next_offset = 10 WHERE consumer_group = '${h.env.AGGREGATOR_GROUP_ID}';
      COMMIT`);
    await produce(UNITS[2], 5);
    await waitStored(25);
    expect(await receivedByUnit()).toEqual({ [UNITS[0]]: 10, [UNITS[1]]: 10, [UNITS[2]]: 5 });
    const gap = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).startsWith('batch starts past the stored offset'));
    expect(gap).toMatchObject({ level: 50, topic: h.env.TOPIC_VALIDATED, partition: 0, expected: '10', got: '20', missing: '10' });
  });

  it('a group offset behind the stored offset: nothing below the stored offset is applied', async () => {
    await produce(UNITS[0], 20);
    await produce(UNITS[1], 10);
    // The stored offset says offsets 0–19 are applied; they were not, so applying any of them would show.
    await h.sql(`INSERT INTO consumer_offsets (consumer_group, topic, partition, next_offset) VALUES ($1, $2, 0, 20)`, [h.env.AGGREGATOR_GROUP_ID, h.env.TOPIC_VALIDATED]);
    await setGroupOffset(5);
    await start();
    await waitStored(30);
    expect(await receivedByUnit()).toEqual({ [UNITS[0]]: 0, [UNITS[1]]: 10, [UNITS[2]]: 0 });
  });
});
