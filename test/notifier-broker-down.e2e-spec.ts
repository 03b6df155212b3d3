import { Client } from 'pg';
import request from 'supertest';
import type { AlertMessage } from '@tthc/contracts';
import { BATCH_SERVER } from '@tthc/infrastructure';
import type { KafkaBatchServer } from '@tthc/messaging';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { PrivateBroker } from '@tthc/process-kit';
import { asMessage, received } from './support/dossier-events';

/**
 * Issue 10: the notifier used to hold the alert-log lock while it sent to Kafka, so with the
 * broker down every acknowledgement queued on that lock without limit, filled the pool, and the
 * metrics endpoints stalled behind them. Here the whole pipeline runs on a broker of the test's
 * own, which is then stopped for real: acknowledgements still answer, and once the broker is
 * back the notifier publishes them in log order under the transition ids they were given. An
 * acknowledgement that cannot get the lock within ACK_LOCK_TIMEOUT_MS answers 503 with Retry-After.
 */
describe('acknowledgements while the broker is down (a private Kafka broker, PostgreSQL, Redis)', () => {
  let broker: PrivateBroker;
  let h: PipelineHarness;
  const OPERATOR = { 'X-API-Key': 'local-operator-key' };
  const IOC = { 'X-API-Key': 'local-ioc-key' };
  const UNITS = ['28756', '28777']; // Phường Phú Khương, Phường An Hội
  const alertIds = new Map<string, string>();
  // A bound on how long a request may take before the test calls it stuck (not a speed assertion).
  const STUCK_MS = 10_000;

  beforeAll(async () => {
    broker = await PrivateBroker.start();
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'), {
      KAFKA_BROKERS: broker.brokers,
      ALERT_TICK_MS: '3600000',
      ALERT_BACKLOG_POLL_MS: '200',
      ACK_LOCK_TIMEOUT_MS: '500',
    });
    await h.start('ingest', 'aggregator', 'notifier', 'api');
    // 30 receipts, 15 online, per unit: 50 % with the minimum sample, so each opens one alert.
    await h.produce(
      UNITS.flatMap((unit) => Array.from({ length: 30 }, (_, i) => asMessage(received(unit, `${unit}-${i}`, '2025-07-20T08:00:00+07:00', i < 15 ? 'ONLINE' : 'DIRECT', '2025-09-30T17:00:00+07:00')))),
    );
    for (const unit of UNITS) {
      const alert = await eventually(async () => {
        const res = await request(h.http()).get(`/api/v1/alerts?unitCode=${unit}&state=OPEN`).set(OPERATOR);
        expect(res.body).toHaveLength(1);
        return res.body[0] as { id: string };
      });
      alertIds.set(unit, alert.id);
    }
    // Both OPEN transitions are on the topic before the broker goes away.
    await eventually(async () => {
      const rows = await h.sql<{ n: string }>(`SELECT count(*)::text AS n FROM alert_transitions WHERE published_at IS NULL`);
      expect(rows[0].n).toBe('0');
    });
  }, 240_000);

  afterAll(async () => {
    await broker?.up().catch(() => undefined);
    await h?.close();
    await broker?.destroy();
  }, 180_000);

  it('answers 503 with Retry-After when the alert-log lock cannot be had within ACK_LOCK_TIMEOUT_MS', async () => {
    // Another writer holds the alert-log lock (as an evaluation does while it writes).
    const holder = new Client({ connectionString: h.env.DATABASE_URL, options: `-c search_path=${h.schema}` });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('tthc.alert_log:' || current_schema()))`);
      const started = Date.now();
      const res = await request(h.http())
        .post(`/api/v1/alerts/${alertIds.get(UNITS[0])}/ack`)
        .set(OPERATOR)
        .send({})
        .timeout(STUCK_MS);
      const tookMs = Date.now() - started;
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body.message).toBe('the alert log is busy (an evaluation is being written); retry shortly');
      // It waited for the lock (ACK_LOCK_TIMEOUT_MS = 500), then gave up: nothing was written.
      expect(tookMs).toBeGreaterThanOrEqual(450);
      const state = await h.sql<{ state: string }>(`SELECT state FROM alerts WHERE id = $1`, [alertIds.get(UNITS[0])]);
      expect(state[0].state).toBe('OPEN');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('acknowledges while the broker is down, keeps the metrics answering, and publishes once it is back', async () => {
    // Only the notifier's publishing and the api stay: the broker stops for real. The notifier's
    // metrics consumer is stopped first: a kafkajs consumer that crashes during an outage can
    // leave a restart loop behind its disconnect, which a supervisor ends in production but which
    // would keep this test process alive; publishing (backlog poll → producer) is what is tested.
    await h.stop('ingest');
    await h.stop('aggregator');
    await h.app('notifier').get<KafkaBatchServer>(BATCH_SERVER).close();
    await broker.down();

    const first = await request(h.http())
      .post(`/api/v1/alerts/${alertIds.get(UNITS[0])}/ack`)
      .set(OPERATOR)
      .send({ note: 'Đã liên hệ' })
      .timeout(STUCK_MS);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'ACKNOWLEDGED', acknowledgedBy: 'local-operator' });
    // The notifier's backlog poll (200 ms) has picked it up and is now trying to send it to the
    // stopped broker (kafkajs retries for tens of seconds): it stays unpublished.
    await new Promise((r) => setTimeout(r, 1500));
    const unpublished = await h.sql<{ id: string }>(`SELECT id::text AS id FROM alert_transitions WHERE published_at IS NULL ORDER BY id`);
    expect(unpublished).toHaveLength(1);

    // Under the old notifier this waited on the lock for as long as the send did.
    const second = await request(h.http())
      .post(`/api/v1/alerts/${alertIds.get(UNITS[1])}/ack`)
      .set(OPERATOR)
      .send({})
      .timeout(STUCK_MS);
    expect(second.status).toBe(200);
    const metrics = await request(h.http()).get('/api/v1/metrics/units?from=2025-07-01&to=2025-07-31').set(IOC).timeout(STUCK_MS);
    expect(metrics.status).toBe(200);
    const alerts = await request(h.http()).get('/api/v1/alerts?state=ACKNOWLEDGED').set(OPERATOR).timeout(STUCK_MS);
    expect(alerts.body.map((a: { unitCode: string }) => a.unitCode).sort()).toEqual([...UNITS].sort());

    const acks = await h.sql<{ id: string; unit: string }>(
      `SELECT t.id::text AS id, a.unit_code AS unit FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id WHERE t.to_state = 'ACKNOWLEDGED' ORDER BY t.id`,
    );
    expect(acks.map((r) => r.unit)).toEqual(UNITS);

    await broker.up();
    // Both acknowledgements reach the topic, in log order, under their transition ids.
    const onTopic = await h.readTopic(h.env.TOPIC_ALERTS!, (seen) => seen.filter((m) => (JSON.parse(m.value!.toString()) as AlertMessage).state === 'ACKNOWLEDGED').length >= 2, 120_000);
    const acked = onTopic.map((m) => JSON.parse(m.value!.toString()) as AlertMessage).filter((m) => m.state === 'ACKNOWLEDGED');
    expect([...new Set(acked.map((m) => String(m.transitionId)))]).toEqual(acks.map((r) => r.id));
    await eventually(async () => {
      const rows = await h.sql<{ n: string }>(`SELECT count(*)::text AS n FROM alert_transitions WHERE published_at IS NULL`);
      expect(rows[0].n).toBe('0');
    }, 60_000);
  }, 240_000);
});
