import { Client } from 'pg';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { WorkerProcess } from './support/worker-process';

/**
 * Issue 9: health tells the truth. A worker whose batch keeps failing, or whose partition has lag
 * but does not advance, answers 503 naming the partition and the error, so a supervisor restarts
 * it and an operator sees why; once the cause is gone it answers 200 again and nothing is lost.
 * The faults are real PostgreSQL behaviour: a trigger raising a serialization failure (a
 * transient error the worker retries), and a table lock held by another session.
 */
describe('worker health when a partition is stuck (real process, Kafka, PostgreSQL)', () => {
  let h: PipelineHarness;
  let aggregator: WorkerProcess;
  const UNIT = '28756';
  let sent = 0;

  /** Validated records straight onto partition 0, as ingest would write them. */
  const produceValidated = async (count: number) => {
    const messages = Array.from({ length: count }, () => {
      const n = sent++;
      const value = JSON.stringify({
        eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        type: 'RECEIVED',
        dossierId: `stuck-${n}`,
        unitCode: UNIT,
        procedureCode: '1.001612',
        occurredAt: Date.parse('2025-07-15T09:00:00+07:00'),
        channel: 'ONLINE',
        dueAt: Date.parse('2025-07-20T17:00:00+07:00'),
      });
      return { key: UNIT, value, partition: 0 };
    });
    await h.produce(messages, h.env.TOPIC_VALIDATED);
  };
  const counted = async () => (await h.sql<{ n: number }>(`SELECT coalesce(sum(received_total), 0)::int AS n FROM unit_daily_counters WHERE unit_code = $1`, [UNIT]))[0].n;
  const partition0 = (body: Record<string, unknown>) =>
    (body.consumers as { partitions: { partition: number; stuck: boolean; lag: number; failingAttempts: number; lastError: string | null }[] }[])[0].partitions.find((p) => p.partition === 0);

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'));
    const env = h.processEnv({ HEALTH_MAX_FAILED_ATTEMPTS: '3', HEALTH_STALL_AFTER_MS: '3000', LOG_LEVEL: 'error' });
    aggregator = await WorkerProcess.start('aggregator', env);
    await produceValidated(5);
    await eventually(async () => expect(await counted()).toBe(5));
  });

  afterAll(async () => {
    await aggregator?.stop();
    await h?.close();
  });

  it('answers 503 with the partition and the error while its batch keeps failing, and recovers', async () => {
    await h.sql(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN RAISE EXCEPTION 'injected: could not serialize access' USING ERRCODE = '40001'; END $$`);
    await h.sql(`CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON dossiers FOR EACH ROW EXECUTE FUNCTION refuse()`);
    await produceValidated(3);
    const stuck = await eventually(async () => {
      const health = await aggregator.health();
      expect(health.status).toBe(503);
      return health.body;
    }, 30_000);
    expect(partition0(stuck)).toMatchObject({ stuck: true, lastError: expect.stringContaining('40001') });
    expect(partition0(stuck)!.failingAttempts).toBeGreaterThanOrEqual(3);
    expect(aggregator.alive).toBe(true);

    await h.sql(`DROP TRIGGER refuse ON dossiers`);
    await eventually(async () => expect((await aggregator.health()).status).toBe(200), 30_000);
    expect(await counted()).toBe(8);
  });

  it('answers 503 with the lag while the partition does not advance, and recovers', async () => {
    const blocker = new Client({ connectionString: h.env.DATABASE_URL, options: `-c search_path=${h.schema}` });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE dossiers IN ACCESS EXCLUSIVE MODE');
      await produceValidated(4);
      const stalled = await eventually(async () => {
        const health = await aggregator.health();
        expect(health.status).toBe(503);
        return health.body;
      }, 30_000);
      expect(partition0(stalled)).toMatchObject({ stuck: true, lag: 4 });
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    await eventually(async () => expect((await aggregator.health()).status).toBe(200), 30_000);
    expect(await counted()).toBe(12);
  });
});
