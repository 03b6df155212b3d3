import type { KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS } from '@tthc/contracts';
import { TRUNCATION_HEADERS } from '@tthc/messaging';
import { REJECTION_REASONS } from '@tthc/domain';
import { type FuzzInput, fuzzInputs } from './support/fuzz-inputs';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { WorkerProcess } from './support/worker-process';

/**
 * Issue 9: a fuzz run through the real pipeline. Ten thousand broken inputs (random bytes, fields
 * deleted, types swapped, control characters and lone surrogates, 1 MB of text, impossible dates,
 * duplicated keys, `__proto__`) are shuffled into a stream of valid events and produced into
 * ingest and the aggregator running as their own processes. Nothing crashes, every broken input
 * is in the DLQ with a reason, every valid one is counted. The verdict of each input is known by
 * how it was made (test/support/fuzz-inputs.ts), not by asking the decoder.
 */
describe('fuzzing the pipeline (real processes, Kafka, PostgreSQL)', () => {
  const SEED = 20261130;
  const BAD = 10_000;
  const GOOD = 2_000;
  const HUGE = 5; // ~1 MB each: just under the topic's own record limit
  let h: PipelineHarness;
  let workers: WorkerProcess[];
  let pids: number[];
  let inputs: FuzzInput[];
  let dlq: KafkaMessage[];

  beforeAll(async () => {
    inputs = fuzzInputs(SEED, BAD, GOOD);
    for (let i = 0; i < HUGE; i++) {
      inputs.push({ kind: '1 MB of text', good: false, value: Buffer.from(JSON.stringify({ schemaVersion: 1, dossierId: 'x'.repeat(1_000_000 - 200) })) });
    }
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'));
    const env = h.processEnv({ LOG_LEVEL: 'error' });
    workers = await Promise.all([WorkerProcess.start('ingest', env), WorkerProcess.start('aggregator', env)]);
    pids = workers.map((w) => w.pid);

    const small = inputs.filter((i) => i.value.length < 100_000);
    for (let i = 0; i < small.length; i += 500) {
      await h.produce(small.slice(i, i + 500).map((input, j) => ({ key: `fz-${i + j}`, value: input.value })));
    }
    for (const input of inputs.filter((i) => i.value.length >= 100_000)) await h.produce([{ key: 'huge', value: input.value }]);
    dlq = await h.readTopic(h.env.TOPIC_DLQ!, BAD + HUGE, 180_000);
  });

  afterAll(async () => {
    await Promise.all((workers ?? []).map((w) => w.stop()));
    await h?.close();
  });

  it('made what it says: 10,000+ broken inputs of every kind beside the valid ones', () => {
    const kinds = new Set(inputs.filter((i) => !i.good).map((i) => i.kind));
    expect(inputs.filter((i) => !i.good).length).toBeGreaterThanOrEqual(10_000);
    for (const kind of ['random bytes', 'missing eventId', 'wrong type', 'control character', 'lone surrogate', 'bad date', '1 MB of text', 'duplicate', '__proto__ as the whole event']) {
      expect([...kinds].some((k) => k.startsWith(kind))).toBe(true);
    }
  });

  it('crashed nothing: both workers are the processes that started, and healthy', async () => {
    for (const w of workers) {
      expect({ name: w.name, alive: w.alive }).toEqual({ name: w.name, alive: true });
      expect(pids).toContain(w.pid);
      expect((await w.health()).status).toBe(200);
    }
  });

  it('dead-letters every broken input exactly once, each with a known reason', () => {
    expect(dlq).toHaveLength(BAD + HUGE);
    const codes = new Set(Object.keys(REJECTION_REASONS));
    for (const m of dlq) {
      expect(codes.has(m.headers![DLQ_HEADERS.reasonCode]!.toString())).toBe(true);
      expect(m.headers![DLQ_HEADERS.reasonDetail]!.toString().length).toBeGreaterThan(0);
    }
    // Each DLQ record is a broken input, byte for byte (the DLQ keeps the original), never a valid
    // one; a copy too large for one request is cut to fit (KAFKA_MAX_SEND_BYTES), so the 1 MB
    // inputs are matched by their beginning and original size.
    const broken = new Map<string, number>();
    const keyOf = (v: Buffer) => (v.length >= 100_000 ? `huge:${v.length}:${v.subarray(0, 1000).toString('base64')}` : v.toString('base64'));
    for (const i of inputs.filter((x) => !x.good)) broken.set(keyOf(i.value), (broken.get(keyOf(i.value)) ?? 0) + 1);
    for (const m of dlq) {
      const value = m.value ?? Buffer.alloc(0);
      const original = m.headers![TRUNCATION_HEADERS.originalValueBytes]?.toString();
      const key = original ? `huge:${original}:${value.subarray(0, 1000).toString('base64')}` : keyOf(value);
      expect(broken.has(key)).toBe(true);
      broken.set(key, broken.get(key)! - 1);
    }
    expect([...broken.values()].every((n) => n === 0)).toBe(true);
  });

  it('refused every broken input by the contract, none by storage (no STORAGE_REJECTED)', () => {
    const byStorage = dlq.filter((m) => m.headers![DLQ_HEADERS.reasonCode]!.toString() === 'STORAGE_REJECTED');
    expect(byStorage.map((m) => m.headers![DLQ_HEADERS.reasonDetail]!.toString())).toEqual([]);
  });

  it('counts every valid input, per unit, day and channel', async () => {
    const expected = new Map<string, number>();
    for (const i of inputs.filter((x) => x.good)) {
      const k = `${i.counted!.unitCode}|${i.counted!.day}|${i.counted!.channel}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    await eventually(async () => {
      const rows = await h.sql<{ unit_code: string; day: string; online: number; direct: number }>(
        `SELECT unit_code, to_char(day, 'YYYY-MM-DD') AS day, sum(received_online)::int AS online, sum(received_direct)::int AS direct
           FROM unit_daily_counters GROUP BY 1, 2`,
      );
      const actual = new Map<string, number>();
      for (const r of rows) {
        if (r.online) actual.set(`${r.unit_code}|${r.day}|ONLINE`, r.online);
        if (r.direct) actual.set(`${r.unit_code}|${r.day}|DIRECT`, r.direct);
      }
      expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));
    }, 60_000);
  });
});
