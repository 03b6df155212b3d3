import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS } from '@tthc/contracts';
import { TRUNCATION_HEADERS } from '@tthc/messaging';
import { asMessage, received } from './support/dossier-events';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { WorkerProcess } from './support/worker-process';

/**
 * Issue 9: no input can stop the province. Each poison class is produced between good events on
 * the same partition, into ingest and the aggregator running as their own processes
 * (`node dist/apps/*`), on the real broker and database. Afterwards the good events are counted
 * exactly, every bad one is in the DLQ with its reason, and neither process ever exited.
 */
describe('poison records (real processes, Kafka, PostgreSQL)', () => {
  let h: PipelineHarness;
  let ingest: WorkerProcess;
  let aggregator: WorkerProcess;
  let pids: number[];
  let dlq: KafkaMessage[];

  const UNIT = '28861'; // Xã Tiên Thủy
  const DAY = '2025-07-15';
  const MAX_SEND_BYTES = 60_000;
  const good = (n: string) => asMessage(received(UNIT, `good-${n}`, `${DAY}T09:00:00+07:00`, 'ONLINE', '2025-07-20T17:00:00+07:00'));
  const validJson = (over: Record<string, unknown>) => JSON.stringify({ ...received(UNIT, `bad-${randomUUID()}`, `${DAY}T09:00:00+07:00`, 'DIRECT', '2025-07-20T17:00:00+07:00'), ...over });
  /** What the aggregator reads: the validated wire form, instants in epoch ms. */
  const validatedJson = (over: Record<string, unknown>) =>
    JSON.stringify({
      eventId: randomUUID(),
      type: 'RECEIVED',
      dossierId: `v-${randomUUID()}`,
      unitCode: UNIT,
      procedureCode: '1.001612',
      occurredAt: Date.parse(`${DAY}T09:00:00+07:00`),
      channel: 'ONLINE',
      dueAt: Date.parse('2025-07-20T17:00:00+07:00'),
      ...over,
    });
  const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
  const deadByReason = (code: string) => dlq.filter((m) => header(m, DLQ_HEADERS.reasonCode) === code);

  // Each poison record, what it is, and what the DLQ must say of it. 'events' goes through ingest; 'validated' straight to the aggregator.
  // `deadFrom`: which stage dead-letters it (the aggregator's copy is the validated record, not the source bytes).
  const poison: { name: string; topic: 'events' | 'validated'; value: string | Buffer; reason: string; errorCode?: string; deadFrom?: 'validated' }[] = [
    { name: 'NUL in dossierId', topic: 'events', value: validJson({ dossierId: 'H59\u0000-1' }), reason: 'CONTROL_CHARACTER' },
    { name: 'NUL in procedureCode', topic: 'events', value: validJson({ procedureCode: '1.00\u00001' }), reason: 'CONTROL_CHARACTER' },
    { name: 'a lone surrogate in dossierId', topic: 'events', value: validJson({ dossierId: 'H59-\ud800' }), reason: 'INVALID_UNICODE' },
    { name: 'occurredAt in year 0', topic: 'events', value: validJson({ occurredAt: '0000-07-15T09:00:00+07:00' }), reason: 'INSTANT_OUT_OF_RANGE' },
    { name: 'dueAt in year 9999', topic: 'events', value: validJson({ dueAt: '9999-12-31T17:00:00+07:00' }), reason: 'INSTANT_OUT_OF_RANGE' },
    { name: 'a number out of range', topic: 'events', value: validJson({ schemaVersion: 1 }).replace('"schemaVersion":1', '"schemaVersion":1e400'), reason: 'UNSUPPORTED_SCHEMA_VERSION' },
    { name: 'valid, but the raw log refuses it (CHECK)', topic: 'events', value: validJson({ dossierId: 'POISON-RAW-1' }), reason: 'STORAGE_REJECTED', errorCode: '23514' },
    {
      name: 'valid, but the dossier table refuses it (CHECK)',
      topic: 'events',
      value: validJson({ dossierId: 'POISON-AGG-1' }),
      reason: 'STORAGE_REJECTED',
      errorCode: '23514',
      deadFrom: 'validated',
    },
    { name: 'validated topic: NUL in dossierId', topic: 'validated', value: validatedJson({ dossierId: 'v\u0000' }), reason: 'CONTROL_CHARACTER' },
    { name: 'validated topic: year 0', topic: 'validated', value: validatedJson({ occurredAt: new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(0) }), reason: 'INSTANT_OUT_OF_RANGE' },
    { name: 'validated topic: not JSON', topic: 'validated', value: Buffer.from([0x7b, 0x00, 0xff]), reason: 'MALFORMED_JSON' },
  ];
  const BURST = 100;
  const BURST_BYTES = 18_000; // above MAX_EVENT_BYTES (16 KiB): 1.8 MB of DLQ copies, far over one request
  const HUGE_BYTES = 300_000; // one record whose DLQ copy cannot fit the DLQ topic's 64 KiB limit

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'));
    const admin = h.kafka.admin();
    await admin.connect();
    // The DLQ topic takes records of at most 64 KiB (the broker default is 1 MiB): sends must be sized to it.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: h.env.TOPIC_DLQ!, configEntries: [{ name: 'max.message.bytes', value: '65536' }] }] });
    await admin.disconnect();
    // Storage that refuses what validation accepts: constraints the contract knows nothing of.
    await h.sql(`ALTER TABLE raw_events ADD CONSTRAINT poison_raw CHECK (dossier_id NOT LIKE 'POISON-RAW%')`);
    await h.sql(`ALTER TABLE dossiers ADD CONSTRAINT poison_agg CHECK (dossier_id NOT LIKE 'POISON-AGG%')`);

    const env = h.processEnv({ KAFKA_MAX_SEND_BYTES: String(MAX_SEND_BYTES), LOG_LEVEL: 'warn' });
    [ingest, aggregator] = await Promise.all([WorkerProcess.start('ingest', env), WorkerProcess.start('aggregator', env)]);
    pids = [ingest.pid, aggregator.pid];

    // Everything on partition 0, so each bad record sits between good ones in the same stream.
    const onP0 = (m: { key?: string; value: string | Buffer }) => ({ ...m, partition: 0 });
    const events = (values: (string | Buffer)[]) => h.produce(values.map((value) => onP0({ key: 'poison', value })));
    let n = 0;
    for (const p of poison) {
      await h.produce([good(`${n++}`), good(`${n++}`)].map(onP0));
      if (p.topic === 'events') await events([p.value]);
      else await h.produce([onP0({ key: UNIT, value: p.value })], h.env.TOPIC_VALIDATED);
    }
    for (let i = 0; i < BURST; i += 20) await events(Array.from({ length: 20 }, () => Buffer.alloc(BURST_BYTES, 0x7b)));
    await events([Buffer.alloc(HUGE_BYTES, 0x20)]);
    await h.produce([good(`${n}`), good(`${n + 1}`)].map(onP0));

    const expectedDead = poison.length + BURST + 1;
    dlq = await h.readTopic(h.env.TOPIC_DLQ!, expectedDead, 90_000);
  });

  afterAll(async () => {
    await Promise.all([ingest?.stop(), aggregator?.stop()]);
    await h?.close();
  });

  it('counts every good event exactly once', async () => {
    await eventually(async () => {
      const rows = await h.sql<{ total: number; online: number }>(
        `SELECT sum(received_total)::int AS total, sum(received_online)::int AS online FROM unit_daily_counters WHERE unit_code = $1 AND day = $2`,
        [UNIT, DAY],
      );
      expect(rows[0]).toEqual({ total: 2 * poison.length + 2, online: 2 * poison.length + 2 });
    }, 60_000);
  });

  it.each([
    ['ingest', () => ingest],
    ['aggregator', () => aggregator],
  ])('%s never exited: same pid, still healthy', async (_name, worker) => {
    expect(worker().alive).toBe(true);
    expect(pids).toContain(worker().pid);
    const health = await worker().health();
    expect(health.status).toBe(200);
  });

  it('dead-letters each poison record once, with its reason and source', () => {
    for (const p of poison) {
      const fromValidated = p.topic === 'validated' || p.deadFrom === 'validated';
      const source = fromValidated ? h.env.TOPIC_VALIDATED : h.env.TOPIC_EVENTS;
      const dossierId = (text: string) => /"dossierId":"([^"]*)"/.exec(text)?.[1];
      const sameDossier = (m: KafkaMessage) => header(m, DLQ_HEADERS.sourceTopic) === source && dossierId(m.value?.toString() ?? '') === dossierId(p.value.toString());
      const matches = dlq.filter((m) => (p.deadFrom ? sameDossier(m) : Buffer.from(m.value ?? []).equals(Buffer.from(p.value))));
      expect({ name: p.name, count: matches.length }).toEqual({ name: p.name, count: 1 });
      const m = matches[0];
      expect({ name: p.name, reason: header(m, DLQ_HEADERS.reasonCode), source: header(m, DLQ_HEADERS.sourceTopic) }).toEqual({ name: p.name, reason: p.reason, source });
      if (p.errorCode) {
        expect(header(m, DLQ_HEADERS.errorCode)).toBe(p.errorCode);
        expect(header(m, DLQ_HEADERS.errorSource)).toBe('postgresql');
      }
    }
  });

  it('never carries a raw NUL in a rejection detail, in the DLQ or the database', async () => {
    for (const m of dlq) expect(header(m, DLQ_HEADERS.reasonDetail)).not.toMatch(/\u0000/);
    const rows = await h.sql<{ n: number }>(`SELECT count(*)::int AS n FROM rejected_events WHERE position(chr(92) || 'u0000' in reason_detail) > 0 OR reason_detail ~ '[[:cntrl:]]'`);
    expect(rows[0].n).toBe(0);
  });

  it('sends a burst of large rejects in requests the broker accepts (each keeps its own reason)', () => {
    const tooLarge = deadByReason('PAYLOAD_TOO_LARGE');
    expect(tooLarge).toHaveLength(BURST + 1);
    expect(tooLarge.filter((m) => (m.value?.length ?? 0) === BURST_BYTES)).toHaveLength(BURST);
    expect(deadByReason('STORAGE_REJECTED')).toHaveLength(2);
  });

  it('cuts a dead letter too large for the DLQ topic, says so, and keeps the whole of it in PostgreSQL', async () => {
    const huge = deadByReason('PAYLOAD_TOO_LARGE').find((m) => header(m, TRUNCATION_HEADERS.truncated) === 'true')!;
    expect(huge).toBeDefined();
    expect(header(huge, TRUNCATION_HEADERS.originalValueBytes)).toBe(String(HUGE_BYTES));
    expect(huge.value!.length).toBeLessThan(65_536);
    const offset = header(huge, DLQ_HEADERS.sourceOffset);
    const rows = await h.sql<{ n: number }>(`SELECT octet_length(payload)::int AS n FROM rejected_events WHERE source_topic = $1 AND source_offset = $2`, [h.env.TOPIC_EVENTS, offset]);
    expect(rows).toEqual([{ n: HUGE_BYTES }]);
  });

  it('records every dead letter in rejected_events, storage refusals with the database error code', async () => {
    const rows = await h.sql<{ reason_code: string; error_code: string | null; n: number }>(`SELECT reason_code, error_code, count(*)::int AS n FROM rejected_events GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(dlq.length);
    expect(rows.filter((r) => r.reason_code === 'STORAGE_REJECTED')).toEqual([{ reason_code: 'STORAGE_REJECTED', error_code: '23514', n: 2 }]);
  });

  it('leaves nothing refused in the raw log, and the aggregator past every record it dead-lettered', async () => {
    const raw = await h.sql<{ n: number }>(`SELECT count(*)::int AS n FROM raw_events WHERE dossier_id LIKE 'POISON-RAW%'`);
    expect(raw[0].n).toBe(0);
    const admin = h.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(h.env.TOPIC_VALIDATED!);
    await admin.disconnect();
    await eventually(async () => {
      const stored = await h.sql<{ partition: number; next_offset: string }>(`SELECT partition, next_offset FROM consumer_offsets WHERE topic = $1`, [h.env.TOPIC_VALIDATED]);
      const byPartition = new Map(stored.map((r) => [r.partition, r.next_offset]));
      for (const e of ends) if (e.high !== '0') expect(byPartition.get(e.partition)).toBe(e.high);
    });
  });
});
