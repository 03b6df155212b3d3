import request from 'supertest';
import type { AlertMessage } from '@tthc/contracts';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { asMessage, received } from './support/dossier-events';

/**
 * An operator's acknowledgement is written by the API; the notifier publishes it. With the clock
 * tick set to an hour and no further events for the unit, only the notifier's backlog poll can
 * carry the acknowledgement to `tthc.alerts` — so it must arrive within seconds, not at a tick.
 */
describe('acknowledgements reach tthc.alerts without waiting for a tick (real Kafka, PostgreSQL)', () => {
  let h: PipelineHarness;
  const OPERATOR = { 'X-API-Key': 'local-operator-key' };
  const UNIT = '28756'; // Phường Phú Khương

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'), { ALERT_TICK_MS: '3600000', ALERT_BACKLOG_POLL_MS: '200' });
    await h.start('ingest', 'aggregator', 'notifier', 'api');
  });

  afterAll(async () => {
    await h?.close();
  });

  it("publishes the ACKNOWLEDGED transition within a few polls of the operator's request", async () => {
    // 30 receipts, 15 online: 50 % with exactly the minimum sample, so it opens once, at 30.
    await h.produce(Array.from({ length: 30 }, (_, i) => asMessage(received(UNIT, `ack-${i}`, '2025-07-20T08:00:00+07:00', i < 15 ? 'ONLINE' : 'DIRECT', '2025-09-30T17:00:00+07:00'))));
    const alert = await eventually(async () => {
      const res = await request(h.http()).get(`/api/v1/alerts?unitCode=${UNIT}&state=OPEN`).set(OPERATOR);
      expect(res.body).toHaveLength(1);
      return res.body[0] as { id: string };
    });
    const acked = await request(h.http()).post(`/api/v1/alerts/${alert.id}/ack`).set(OPERATOR).send({ note: 'Đã liên hệ' });
    expect(acked.status).toBe(200);

    const parse = (values: string[]) => values.map((v) => JSON.parse(v) as AlertMessage & { kind: string });
    const onTopic = parse(await h.readKeyed(h.env.TOPIC_ALERTS!, UNIT, (values) => parse(values).some((m) => m.state === 'ACKNOWLEDGED'), 20_000));
    expect(onTopic.map((m) => [m.alertId, m.state, m.kind])).toEqual([
      [alert.id, 'OPEN', 'FIRED'],
      [alert.id, 'ACKNOWLEDGED', 'ACKNOWLEDGED'],
    ]);
    // Published, and marked so: the next poll does not publish it again.
    const [row] = await h.sql<{ published: boolean }>(
      `SELECT published_at IS NOT NULL AS published FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id WHERE a.id = $1 AND t.to_state = 'ACKNOWLEDGED'`,
      [alert.id],
    );
    expect(row.published).toBe(true);
  });

  it('after a crash between the Kafka send and the commit, publishes the same transitions again under the same ids', async () => {
    const stored = await h.sql<{ id: string; state: string }>(
      `SELECT t.id::text AS id, t.to_state AS state FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id WHERE a.unit_code = $1 ORDER BY t.id`,
      [UNIT],
    );
    expect(stored.map((r) => r.state)).toEqual(['OPEN', 'ACKNOWLEDGED']);
    // What a crash after Kafka acknowledged the send, before the commit, leaves behind.
    await h.sql(`UPDATE alert_transitions SET published_at = NULL WHERE id = $1::bigint`, [stored[1].id]);

    const onTopic = await h.readKeyed(h.env.TOPIC_ALERTS!, UNIT, (values) => values.length >= 3, 20_000);
    const parsed = onTopic.map((v) => JSON.parse(v) as AlertMessage);
    // Every message carries the id of its committed transition; the repeat is byte for byte the same.
    expect(parsed.map((m) => String(m.transitionId))).toEqual([stored[0].id, stored[1].id, stored[1].id]);
    expect(onTopic[2]).toBe(onTopic[1]);
  });
});
