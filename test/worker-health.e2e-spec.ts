import { WorkerHealthServer } from '@tthc/infrastructure';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { asMessage, received } from './support/dossier-events';

/** `GET /health` of the worker apps, on the real broker, PostgreSQL and Redis. */
describe('worker health endpoints (real Kafka, PostgreSQL, Redis)', () => {
  let h: PipelineHarness;
  const WORKERS = ['ingest', 'aggregator', 'notifier'] as const;

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'), { HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1' });
    await h.start(...WORKERS);
  });

  afterAll(async () => {
    await h?.close();
  });

  const get = async (name: (typeof WORKERS)[number], path = '/health') => {
    const port = h.app(name).get(WorkerHealthServer).port();
    expect(port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json()) as any };
  };

  it('reports each worker healthy once its consumers have joined their groups, naming their topics', async () => {
    const topics = { ingest: [h.env.TOPIC_EVENTS], aggregator: [h.env.TOPIC_VALIDATED], notifier: [h.env.TOPIC_UNIT_METRICS] };
    for (const name of WORKERS) {
      await eventually(async () => {
        const { status, body } = await get(name);
        expect(status).toBe(200);
        expect(body).toMatchObject({ status: 'ok', postgres: { ok: true }, redis: { ok: true } });
        expect(body.consumers.map((c: { topic: string }) => c.topic)).toEqual(topics[name]);
        expect(body.consumers.every((c: { joined: boolean; crashed: boolean }) => c.joined && !c.crashed)).toBe(true);
      });
    }
  });

  it('shows when a consumer last applied a batch', async () => {
    expect((await get('ingest')).body.consumers[0].lastBatchAt).toBeNull();
    await h.produce([asMessage(received('28756', 'health-1', '2025-07-20T08:00:00+07:00', 'ONLINE', '2025-07-25T17:00:00+07:00'))]);
    for (const name of ['ingest', 'aggregator'] as const) {
      await eventually(async () => {
        const at = (await get(name)).body.consumers[0].lastBatchAt as string | null;
        expect(at).not.toBeNull();
        expect(Date.now() - Date.parse(at!)).toBeLessThan(60_000);
      });
    }
  });

  it('answers liveness on /health/live and 404 for anything else', async () => {
    expect(await get('aggregator', '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await get('ingest', '/healthz')).status).toBe(404);
  });

  it("serves each worker's Prometheus metrics on /metrics, labelled with the app", async () => {
    for (const name of WORKERS) {
      const port = h.app(name).get(WorkerHealthServer).port();
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(text).toContain('# TYPE tthc_consumer_lag gauge');
      expect(text).toMatch(new RegExp(`^process_start_time_seconds\\{app="${name}"\\} \\d+`, 'm'));
    }
    // The ingest batch of the test above went through the consumer and its transaction.
    const ingest = await (await fetch(`http://127.0.0.1:${h.app('ingest').get(WorkerHealthServer).port()}/metrics`)).text();
    expect(ingest).toMatch(new RegExp(`^tthc_consumer_messages_total\\{topic="${h.env.TOPIC_EVENTS}",group="${h.env.INGEST_GROUP_ID}",app="ingest"\\} 1$`, 'm'));
    expect(ingest).toMatch(/^tthc_events_accepted_total\{app="ingest"\} 1$/m);
    expect(ingest).toMatch(/^tthc_db_transaction_duration_seconds_count\{app="ingest",outcome="commit"\} [1-9]/m);
  });
});
