import type { AlertMessage } from '@tthc/contracts';
import { type AlertRule, ruleDefaults } from '@tthc/domain';
import { METRICS } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import { WorkerContext } from '../../../../test/support/worker-context';
import { NotifierSettings } from '../notifier.settings';
import { AlertLogRecorder } from './alert-log.recorder';
import { AlertOutboxPublisher } from './alert-outbox.publisher';
import type { ObservedSubject } from './observation.stage';

/** The publish stage on the real PostgreSQL and Kafka: the log's unpublished transitions, in order, once each. */
describe('AlertOutboxPublisher (real PostgreSQL, Kafka)', () => {
  let ctx: WorkerContext;
  let outbox: AlertOutboxPublisher;
  let recorder: AlertLogRecorder;
  const NOW = Date.parse('2025-07-31T12:00:00+07:00');
  const RULE: AlertRule = { id: 'online-rate-30d', metric: 'onlineRate', ...ruleDefaults('onlineRate'), overrides: [] };
  const observed = (code: string, value: number): ObservedSubject => ({
    code,
    name: code,
    rule: RULE,
    members: [code],
    observation: { value, sampleSize: 40, window: { from: '2025-07-02', to: '2025-07-31' } },
  });
  const onTopic = async () => (await ctx.read(ctx.env.TOPIC_ALERTS!)).map((m) => [m.key!.toString(), (JSON.parse(m.value!.toString()) as AlertMessage).transitionId]);
  const deliveries = () => ctx.db.query<{ transition_id: string; url: string }>(`SELECT transition_id::text, url FROM alert_deliveries ORDER BY id`);
  const published = async () => (await ctx.db.query<{ id: string }>(`SELECT id::text FROM alert_transitions WHERE published_at IS NOT NULL ORDER BY id`)).map((r) => Number(r.id));

  beforeAll(async () => {
    ctx = await WorkerContext.create('notifier', NotifierSettings, [AlertOutboxPublisher, AlertLogRecorder], '2025-07-31T12:00:00+07:00', {
      TTHC_ENV: 'local',
      ALERT_WEBHOOKS: JSON.stringify([{ url: 'http://127.0.0.1:9/hook', secret: 'int-spec-webhook-secret-0123456789abcdef' }]),
    });
    outbox = ctx.app.get(AlertOutboxPublisher);
    recorder = ctx.app.get(AlertLogRecorder);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('sends the log to tthc.alerts in order, keyed by unit, and marks it published; webhooks are left to the group stage', async () => {
    await recorder.record([observed('28756', 0.5), observed('28777', 0.4)], undefined, NOW);
    await recorder.record([observed('28756', 0.9)], ['28756'], NOW + 1000);
    expect(await outbox.hasPending()).toBe(true);
    const sent = await outbox.publishPending();
    expect(sent.map((m) => [m.unitCode, m.kind])).toEqual([
      ['28756', 'FIRED'],
      ['28777', 'FIRED'],
      ['28756', 'RESOLVED'],
    ]);
    expect(sent[0]).not.toHaveProperty('notify');
    const ids = sent.map((m) => m.transitionId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(await onTopic()).toEqual(sent.map((m) => [m.unitCode, m.transitionId]));
    // One message per unit on the topic; the receivers get grouped notifications (alert-group.notifier.ts).
    expect(await deliveries()).toEqual([]);
    expect(await published()).toEqual(ids);
    expect(await outbox.hasPending()).toBe(false);
    expect(await outbox.publishPending()).toEqual([]);
    const counted = await ctx.app.get<AppMetrics>(METRICS).alertTransitions.get();
    expect(counted.values.map((v) => [v.labels.state, v.value]).sort()).toEqual([
      ['OPEN', 2],
      ['RESOLVED', 1],
    ]);
  });

  it('leaves the log to another instance that holds the publisher lock', async () => {
    await recorder.record([observed('28789', 0.3)], ['28789'], NOW);
    const other = ctx.db.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('tthc.alert_publisher:' || current_schema()))`);
      expect(await outbox.publishPending()).toEqual([]);
      expect(await outbox.hasPending()).toBe(true);
    } finally {
      await other.query(`SELECT pg_advisory_unlock_all()`);
      await other.release();
    }
    expect((await outbox.publishPending()).map((m) => m.unitCode)).toEqual(['28789']);
  });

  it('after a crash between the send and the mark, publishes the same transitions again under the same ids', async () => {
    const before = (await onTopic()).length;
    const [last] = await ctx.db.query<{ id: string }>(`SELECT max(id)::text AS id FROM alert_transitions`);
    await ctx.db.query(`UPDATE alert_transitions SET published_at = NULL WHERE id = $1`, [last.id]);
    const again = await outbox.publishPending();
    expect(again.map((m) => m.transitionId)).toEqual([Number(last.id)]);
    const topic = await onTopic();
    expect(topic).toHaveLength(before + 1);
    expect(topic.filter(([, id]) => id === Number(last.id))).toHaveLength(2);
  });
});
