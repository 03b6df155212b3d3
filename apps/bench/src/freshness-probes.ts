import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { decodeValidatedRecord } from '@tthc/contracts';
import type { FreshnessProbe } from './freshness';

/** A probe fed by a consumer of its own; `close` disconnects it. */
export interface TopicProbe extends FreshnessProbe {
  close(): Promise<void>;
}

/**
 * Markers on the validated topic: ingest has validated them, written the raw log and its send was
 * acknowledged (the hop before the aggregator). Matched by dossier id, so a record read before
 * `begin` or skipped changes nothing.
 */
export function validatedTopicProbe(kafka: Kafka, topic: string, markerUnit: string): Promise<TopicProbe> {
  const arrived = new Map<string, number>();
  return topicProbe(
    kafka,
    topic,
    'validated topic',
    (key, value, now) => {
      if (key !== markerUnit) return;
      const decoded = decodeValidatedRecord(value);
      if (!decoded.ok) return;
      for (const e of decoded.events) if (e.type === 'RECEIVED' && !arrived.has(e.dossierId)) arrived.set(e.dossierId, now);
    },
    {
      begin() {},
      seenAt: (_index, dossierId) => arrived.get(dossierId),
    },
  );
}

/**
 * Markers in the unit snapshots the aggregator publishes after writing them to Redis: marker k is
 * there once the marker unit's today.receivedTotal reaches base + k + 1.
 */
export function unitMetricsProbe(kafka: Kafka, topic: string, markerUnit: string): Promise<TopicProbe> {
  let base: number | undefined;
  const levelAt: number[] = [];
  return topicProbe(
    kafka,
    topic,
    'unit snapshot published',
    (key, value, now) => {
      if (key !== markerUnit || base === undefined || !value) return;
      const total = (JSON.parse(value.toString()) as { today: { receivedTotal: number } }).today.receivedTotal - base;
      while (levelAt.length < total) levelAt.push(now);
    },
    {
      begin(b) {
        base = b;
        levelAt.length = 0;
      },
      seenAt: (index) => levelAt[index],
    },
  );
}

async function topicProbe(
  kafka: Kafka,
  topic: string,
  name: string,
  onMessage: (key: string | undefined, value: Buffer | null, now: number) => void,
  probe: Pick<FreshnessProbe, 'begin' | 'seenAt'>,
): Promise<TopicProbe> {
  const consumer: Consumer = kafka.consumer({ groupId: `bench-probe-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    // A throwaway group: committing its offsets only cost the broker it measures (~1.4 ms a commit, one per fetch).
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const m of batch.messages) onMessage(m.key?.toString(), m.value, now);
    },
  });
  await Promise.race([joined, new Promise((_, reject) => setTimeout(() => reject(new Error(`probe on ${topic}: no group join within 30 s`)), 30_000).unref())]);
  return { name, ...probe, close: () => consumer.disconnect() };
}
