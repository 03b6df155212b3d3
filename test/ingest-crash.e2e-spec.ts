import request from 'supertest';
import { decodeValidatedRecord } from '@tthc/contracts';
import { WorkerHealthServer } from '@tthc/infrastructure';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { asMessage, received } from './support/dossier-events';

/**
 * Ingest writes the raw log and its next source offset and sends to Kafka in one transaction that
 * commits after the send was acknowledged, without waiting for the WAL flush; Kafka's committed
 * offset only shows lag (see IngestBatchHandler). These tests put the pipeline in the state each
 * crash point leaves behind and check that nothing is lost or double counted.
 */
describe('ingest crash recovery (real Kafka, PostgreSQL)', () => {
  let h: PipelineHarness;
  const UNIT = '28861'; // Xã Tiên Thủy
  const events = Array.from({ length: 50 }, (_, i) => received(UNIT, `c-${i}`, '2025-07-15T09:00:00+07:00', i < 30 ? 'ONLINE' : 'DIRECT', '2025-07-20T17:00:00+07:00'));

  /** Records on the validated topic, and the events they carry (ingest bundles a batch's events per unit, issue 12). */
  const validated = async () => {
    const admin = h.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(h.env.TOPIC_VALIDATED!);
    await admin.disconnect();
    const records = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    const messages = records ? await h.readTopic(h.env.TOPIC_VALIDATED!, records) : [];
    const events = messages.reduce((n, m) => {
      const decoded = decodeValidatedRecord(m.value);
      if (!decoded.ok) throw new Error(`undecodable record on the validated topic: ${decoded.rejection.detail}`);
      return n + decoded.events.length;
    }, 0);
    return { records, events };
  };
  const validatedCount = async () => (await validated()).events;
  const metrics = async () => (await request(h.http()).get(`/api/v1/metrics/units/${UNIT}?from=2025-07-15&to=2025-07-15`).set({ 'X-API-Key': 'local-auditor-key' })).body;
  /** What a rolled-back (or lost) ingest commit leaves: its stored offsets back at the start. */
  const rewindStoredOffsets = () => h.sql(`UPDATE consumer_offsets SET next_offset = 0 WHERE consumer_group = $1`, [h.env.INGEST_GROUP_ID]);
  const rewindKafkaOffsets = async () => {
    const admin = h.kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: h.env.INGEST_GROUP_ID!, topic: h.env.TOPIC_EVENTS!, earliest: true });
    await admin.disconnect();
  };

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'));
    await h.start('ingest', 'aggregator', 'api');
    await h.produce(events.map(asMessage));
    await eventually(async () => expect(await metrics()).toMatchObject({ receivedTotal: 50, receivedOnline: 30 }));
    expect(await validatedCount()).toBe(50);
  });

  afterAll(async () => {
    await h?.close();
  });

  it("a restart resumes from the offsets stored with the raw log, not from Kafka's committed ones", async () => {
    await h.stop('ingest');
    await rewindKafkaOffsets();
    await h.startWith('ingest', { HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1' });
    const sentinel = received(UNIT, 'sentinel-1', '2025-07-15T10:00:00+07:00', 'DIRECT', '2025-07-20T17:00:00+07:00');
    await h.produce([asMessage(sentinel)]);
    await eventually(async () => expect(await metrics()).toMatchObject({ receivedTotal: 51, receivedOnline: 30 }));
    expect(await validatedCount()).toBe(51);
    // The restarted ingest read the sentinel alone: not the 50 before it, where Kafka's offset pointed.
    const port = h.app('ingest').get(WorkerHealthServer).port();
    const consumed = (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).match(/^tthc_consumer_messages_total\{topic="[^"]+",group="[^"]+",app="ingest"\} (\d+)$/m);
    expect(consumed?.[1]).toBe('1');
  });

  it('crash after the send, before the commit (or a commit PostgreSQL lost): the events come back, and the re-sent ones are harmless downstream', async () => {
    await h.stop('ingest');
    // The rolled-back transaction: the raw log and its stored offset do not have these events,
    // but they were sent, and Kafka's committed offset is past them.
    await h.sql(`DELETE FROM raw_events WHERE dossier_id LIKE 'c-%'`);
    await rewindStoredOffsets();
    await h.start('ingest');

    await eventually(async () => expect(await validatedCount()).toBe(101)); // the 50 forwarded a second time
    const stored = await h.sql<{ n: number }>(`SELECT count(*)::int AS n FROM raw_events WHERE dossier_id LIKE 'c-%'`);
    expect(stored[0].n).toBe(50);
    // The aggregator is an idempotent receiver: the same facts, the same counts.
    const { records } = await validated();
    await eventually(async () => {
      const offsets = await h.sql<{ n: string }>(`SELECT sum(next_offset)::text AS n FROM consumer_offsets WHERE consumer_group = $1`, [h.env.AGGREGATOR_GROUP_ID]);
      expect(Number(offsets[0].n)).toBe(records);
    });
    expect(await metrics()).toMatchObject({ receivedTotal: 51, receivedOnline: 30, receivedDirect: 21 });
  });
});
