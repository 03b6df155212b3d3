import { type AlertGroupNotification, type AlertRule, ruleDefaults } from '@tthc/domain';
import { loadSettings } from '@tthc/config';
import { UNGROUPED_TRANSITION, insertSilence, upsertUnits } from '@tthc/persistence';
import { loadUnitCatalogue } from '@tthc/catalogue';
import { createLogger } from '@tthc/platform';
import { ScratchDatabase } from '../../../../test/support/scratch-database';
import { NotifierSettings } from '../notifier.settings';
import { AlertGroupNotifier } from './alert-group.notifier';
import { AlertLogRecorder } from './alert-log.recorder';
import type { ObservedSubject } from './observation.stage';

/**
 * The group stage on the real PostgreSQL: one notification per rule per interval, built from the
 * log; each notified transition covered once, with its deliveries, in one transaction.
 * Group timing runs on the database clock; the spec moves time by moving the recorded times back.
 */
describe('AlertGroupNotifier (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  let recorder: AlertLogRecorder;
  const NOW = Date.parse('2025-07-31T12:00:00+07:00');
  const RULE: AlertRule = { id: 'online-rate-30d', metric: 'onlineRate', ...ruleDefaults('onlineRate'), overrides: [] };
  const HOOKS = [
    { url: 'http://127.0.0.1:9/a', secret: 'int-spec-webhook-secret-a-0123456789abcdef' },
    { url: 'http://127.0.0.1:9/b', secret: 'int-spec-webhook-secret-b-0123456789abcdef' },
  ];
  const UNITS = ['28756', '28777', '28783', '28789', '28840', '28843', '28846', '28849'];

  const notifier = (env: Record<string, string> = {}) =>
    new AlertGroupNotifier(
      db.dataSource,
      [RULE],
      loadSettings(NotifierSettings, { TTHC_ENV: 'local', ALERT_WEBHOOKS: JSON.stringify(HOOKS), ALERT_GROUP_WAIT_MS: '0', ALERT_GROUP_INTERVAL_MS: '3600000', ...env }),
      createLogger('int', 'error'),
    );
  const observe = (code: string, value: number): ObservedSubject => ({
    code,
    name: `Đơn vị ${code}`,
    rule: RULE,
    members: [code],
    observation: { value, sampleSize: 40, window: { from: '2025-07-02', to: '2025-07-31' } },
  });
  let at = NOW;
  const record = (subjects: ObservedSubject[]) =>
    recorder.record(
      subjects,
      subjects.map((s) => s.code),
      (at += 1000),
    );
  const ungrouped = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alert_transitions t WHERE ${UNGROUPED_TRANSITION}`))[0].n;
  /** Time passes for the grouping: every recorded time and every notification moves back. */
  const elapse = (ms: number) =>
    Promise.all([
      db.query(`UPDATE alert_transitions SET recorded_at = recorded_at - make_interval(secs => $1::float8 / 1000)`, [ms]),
      db.query(`UPDATE alert_notifications SET created_at = created_at - make_interval(secs => $1::float8 / 1000)`, [ms]),
    ]);
  const entries = (n: AlertGroupNotification, list: 'fired' | 'worsened' | 'resolved' | 'acknowledged') => n[list].map((e) => [e.unitCode, e.kinds]);

  beforeAll(async () => {
    db = await ScratchDatabase.create();
    await upsertUnits(db.dataSource, loadUnitCatalogue());
    recorder = new AlertLogRecorder(db.dataSource);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('sends the units that breach together as one message, queued once per receiver, and each transition once', async () => {
    await record([observe('28756', 0.5), observe('28777', 0.321), observe('28783', 0.7)]);
    const g = notifier();
    const [n, ...rest] = await g.notifyDue();
    expect(rest).toEqual([]);
    expect(n).toMatchObject({ ruleId: RULE.id, sequence: 1, breaching: 3, continues: false, counts: { fired: 3, worsened: 0, resolved: 0, acknowledged: 0 } });
    // Worst gap first.
    expect(entries(n, 'fired')).toEqual([
      ['28777', ['FIRED']],
      ['28756', ['FIRED']],
      ['28783', ['FIRED']],
    ]);
    const covered = await db.query<{ id: string; notification_id: string }>(`SELECT id::text, notification_id::text FROM alert_transitions ORDER BY id`);
    expect(covered.map((r) => Number(r.id))).toEqual(n.transitionIds);
    expect(covered.every((r) => Number(r.notification_id) === n.notificationId)).toBe(true);
    const deliveries = await db.query<{ notification_id: string; transition_id: string | null; url: string; body: string }>(
      `SELECT notification_id::text, transition_id::text, url, body FROM alert_deliveries ORDER BY url`,
    );
    expect(deliveries.map((d) => [Number(d.notification_id), d.transition_id, d.url])).toEqual(HOOKS.map((h) => [n.notificationId, null, h.url]));
    // The body each receiver gets is the notification as built, byte for byte the stored one.
    expect(deliveries.every((d) => d.body === JSON.stringify(n))).toBe(true);
    const [stored] = await db.query<{ body: string; units: number; fired: number }>(`SELECT body, units, fired FROM alert_notifications WHERE id = $1`, [n.notificationId]);
    expect(stored).toEqual({ body: JSON.stringify(n), units: 3, fired: 3 });
    expect(await g.notifyDue()).toEqual([]);
    expect(await ungrouped()).toBe(0);
  });

  it('holds what happens next until the group interval has passed, then sends it in one message', async () => {
    const g = notifier();
    await record([observe('28789', 0.6), observe('28840', 0.55)]);
    // 28756 worsens by more than a step; 28783 recovers past the margin.
    await record([observe('28756', 0.4), observe('28783', 0.9)]);
    expect(await g.notifyDue()).toEqual([]);
    await elapse(59 * 60_000);
    expect(await g.notifyDue()).toEqual([]);
    await elapse(60_000);
    const [n, ...rest] = await g.notifyDue();
    expect(rest).toEqual([]);
    expect(n).toMatchObject({ sequence: 2, breaching: 4, counts: { fired: 2, worsened: 1, resolved: 1, acknowledged: 0 } });
    expect(entries(n, 'fired')).toEqual([
      ['28840', ['FIRED']],
      ['28789', ['FIRED']],
    ]);
    expect(entries(n, 'worsened')).toEqual([['28756', ['WORSENED']]]);
    expect(entries(n, 'resolved')).toEqual([['28783', ['RESOLVED']]]);
    expect(n.text.split('\n')[0]).toBe('Cảnh báo: tỷ lệ hồ sơ trực tuyến 30 ngày dưới mục tiêu 80% — 2 đơn vị mới vi phạm, 1 đơn vị giảm thêm, 1 đơn vị đã phục hồi; 4 đơn vị đang vi phạm');
  });

  it('waits ALERT_GROUP_WAIT_MS after the first breach of a quiet rule', async () => {
    await elapse(2 * 3_600_000);
    const g = notifier({ ALERT_GROUP_WAIT_MS: '60000' });
    await record([observe('28843', 0.5)]);
    expect(await g.notifyDue()).toEqual([]);
    await elapse(30_000);
    await record([observe('28846', 0.5)]);
    expect(await g.notifyDue()).toEqual([]);
    await elapse(31_000);
    const [n] = await g.notifyDue();
    // The second unit breached during the wait: it goes with the first.
    expect(
      entries(n, 'fired')
        .map(([u]) => u)
        .sort(),
    ).toEqual(['28843', '28846']);
  });

  it('notifies nothing for a silenced unit, nor for a transition already delivered on its own (before grouping, or by the previous version)', async () => {
    await elapse(2 * 3_600_000);
    await insertSilence(db.dataSource, {
      id: '00000000-0000-4000-8000-000000000001',
      unitCode: '28849',
      ruleId: null,
      startsAt: NOW,
      endsAt: NOW + 86_400_000,
      reason: 'bảo trì',
      createdBy: 'local-operator',
      createdAt: NOW,
    });
    await record([observe('28849', 0.5)]);
    expect(await ungrouped()).toBe(0);
    await db.query(`DELETE FROM alert_silences`);
    await record([observe('28849', 0.5)]);
    // The UNSILENCED transition, as a row the per-transition outbox already queued before issue 15.
    await db.query(`UPDATE alert_transitions SET notified_singly = true WHERE notification_id IS NULL AND notify`);
    expect(await notifier().notifyDue()).toEqual([]);
    await db.query(`UPDATE alert_transitions SET notified_singly = false WHERE notification_id IS NULL AND notify`);
    // The same, queued by a notifier of the previous version still running during a rolling upgrade.
    await db.query(`INSERT INTO alert_deliveries (transition_id, url, body) SELECT id, 'http://127.0.0.1:9/old', '{}' FROM alert_transitions WHERE notification_id IS NULL AND notify`);
    expect(await notifier().notifyDue()).toEqual([]);
    await db.query(`DELETE FROM alert_deliveries WHERE transition_id IS NOT NULL`);
    const [n] = await notifier().notifyDue();
    expect(entries(n, 'fired')).toEqual([['28849', ['UNSILENCED']]]);
  });

  it('splits more units than ALERT_GROUP_MAX_UNITS into messages sent one round after another, none waiting an interval', async () => {
    await elapse(2 * 3_600_000);
    for (const u of UNITS) await record([observe(u, 0.95)]);
    await elapse(2 * 3_600_000);
    expect((await notifier().notifyDue()).map((n) => n.counts.resolved)).toEqual([7]);
    await elapse(2 * 3_600_000);
    await record(UNITS.map((u) => observe(u, 0.5)));
    const g = notifier({ ALERT_GROUP_MAX_UNITS: '3' });
    const rounds: AlertGroupNotification[][] = [];
    for (let i = 0; i < 4; i++) rounds.push(await g.notifyDue());
    expect(rounds.map((r) => r.map((n) => [n.counts.fired, n.continues]))).toEqual([[[3, true]], [[3, true]], [[2, false]], []]);
    const listed = rounds.flat().flatMap((n) => n.fired.map((e) => e.unitCode));
    expect(listed.sort()).toEqual([...UNITS].sort());
    expect(rounds.flat()[0].text.split('\n').at(-1)).toBe('Còn đơn vị khác: xem tin nhắn tiếp theo.');
  });

  it('leaves grouping to the instance holding the lock, and a failed round writes nothing', async () => {
    await elapse(2 * 3_600_000);
    await record([observe('28756', 0.9)]);
    const other = db.dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      await other.query(`SELECT pg_advisory_xact_lock(hashtext('tthc.alert_groups:' || current_schema()))`);
      expect(await notifier().notifyDue()).toEqual([]);
      await other.commitTransaction();
    } finally {
      await other.release();
    }
    // A round that fails at its last write (here: receiver b's delivery is refused) rolls back whole.
    await db.query(`ALTER TABLE alert_deliveries ADD CONSTRAINT refuse_b CHECK (url <> 'http://127.0.0.1:9/b') NOT VALID`);
    const [{ next }] = await db.query<{ next: number }>(`SELECT max(sequence) + 1 AS next FROM alert_notifications WHERE rule_id = $1`, [RULE.id]);
    const counts = () => db.query(`SELECT (SELECT count(*)::int FROM alert_deliveries) AS deliveries, (SELECT count(*)::int FROM alert_notifications) AS notifications`);
    const before = await counts();
    await expect(notifier().notifyDue()).rejects.toThrow(/refuse_b/);
    expect(await ungrouped()).toBe(1);
    expect(await counts()).toEqual(before);
    await db.query(`ALTER TABLE alert_deliveries DROP CONSTRAINT refuse_b`);
    const [n] = await notifier().notifyDue();
    expect(n).toMatchObject({ sequence: next, counts: { resolved: 1 } });
    expect(await ungrouped()).toBe(0);
  });
});
