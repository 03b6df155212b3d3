import { join } from 'node:path';
import { type Message, Partitioners } from 'kafkajs';
import type { BenchEnv } from '../bench-env';
import { DIST_ROOT } from '../bench-env';
import { type StageResult, createTopic, log, round, stage, waitUntil } from '../bench-kit';

export interface NaiveResult extends StageResult {
  peakRssMb: number;
  cpuSeconds: number;
}

/**
 * Stage 6: the naive NestJS baseline (one message, one handler call, one transaction) on a slice
 * of the file, in the whole run's database: what the pipeline's batching buys.
 */
export async function runNaive(env: BenchEnv, slice: Message[]): Promise<NaiveResult> {
  const topic = `bench.${env.id}.naive`;
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    await createTopic(admin, topic);
    const producer = env.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let i = 0; i < slice.length; i += 5_000) await producer.send({ topic, acks: -1, messages: slice.slice(i, i + 5_000) });
    await producer.disconnect();
    const ids = new Set<string>();
    for (const m of slice) {
      try {
        ids.add((JSON.parse(m.value as string) as { eventId: string }).eventId);
      } catch {
        // malformed line: the naive handler skips it
      }
    }
    log(`naive baseline: ${slice.length} records (${ids.size} distinct events)`);
    const naive = env.start('naive', [], { NAIVE_TOPIC: topic, NAIVE_GROUP_ID: `bench-${env.id}-naive` }, join(DIST_ROOT, 'apps/bench/src/naive/main.js'));
    let first = 0;
    const done = await waitUntil(
      'the naive baseline',
      async () => {
        const [r] = await env.sql<{ n: string }>(`SELECT count(*) AS n FROM naive_raw_events`);
        if (Number(r.n) > 0 && first === 0) first = Date.now();
        return Number(r.n) >= ids.size;
      },
      1_800_000,
      200,
    );
    naive.sample();
    await naive.stop();
    return { ...stage(slice.length, first, done), peakRssMb: round(naive.peakRssKb / 1024), cpuSeconds: naive.cpuSeconds };
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
