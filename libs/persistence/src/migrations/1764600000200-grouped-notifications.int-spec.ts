import { ScratchDatabase } from '../../../../test/support/scratch-database';
import { UNGROUPED_TRANSITION } from '../alerts-notifications.repository';
import { GroupedNotifications1764600000200 } from './1764600000200-grouped-notifications';

/**
 * The upgrade to grouped notifications on the real PostgreSQL: what the per-transition outbox
 * already published (and queued for the receivers) is not notified again; what it had not yet
 * published is left to grouping; the deliveries already queued stay, and the way back works.
 */
describe('migration GroupedNotifications1764600000200 (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  const migration = new GroupedNotifications1764600000200();
  const run = (step: 'up' | 'down') => db.migrate(migration, step);

  beforeAll(async () => {
    db = await ScratchDatabase.create();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('leaves published transitions to their own deliveries and groups the rest', async () => {
    await run('down');
    await db.query(
      `INSERT INTO alerts (id, unit_code, unit_name, rule_id, metric, state, target, started_at, opened_at, last_value, sample_size, message)
       VALUES ('00000000-0000-4000-8000-000000000001', '28756', 'Phường Phú Khương', 'online-rate-30d', 'onlineRate', 'OPEN', 0.8, now(), now(), 0.5, 40, 'x')`,
    );
    // As the previous version wrote them: FIRED published (its delivery queued), WORSENED not yet, a silenced one never notified.
    await db.query(
      `INSERT INTO alert_transitions (id, alert_id, kind, from_state, to_state, at, value, sample_size, notify, published_at)
       VALUES (1, '00000000-0000-4000-8000-000000000001', 'FIRED', NULL, 'OPEN', now(), 0.5, 40, true, now()),
              (2, '00000000-0000-4000-8000-000000000001', 'WORSENED', 'OPEN', 'OPEN', now(), 0.4, 50, true, NULL),
              (3, '00000000-0000-4000-8000-000000000001', 'ACKNOWLEDGED', 'OPEN', 'ACKNOWLEDGED', now(), 0.4, 50, false, NULL)`,
    );
    await db.query(`INSERT INTO alert_deliveries (transition_id, url, body) VALUES (1, 'http://127.0.0.1:9/hook', '{}')`);
    await run('up');
    const waiting = await db.query<{ id: string }>(`SELECT t.id::text FROM alert_transitions t WHERE ${UNGROUPED_TRANSITION} ORDER BY t.id`);
    expect(waiting.map((r) => r.id)).toEqual(['2']);
    expect(await db.query(`SELECT id::int, notified_singly FROM alert_transitions ORDER BY id`)).toEqual([
      { id: 1, notified_singly: true },
      { id: 2, notified_singly: false },
      { id: 3, notified_singly: false },
    ]);
    expect(await db.query(`SELECT transition_id::int, notification_id, state FROM alert_deliveries`)).toEqual([{ transition_id: 1, notification_id: null, state: 'PENDING' }]);
    // A delivery belongs to a notification or to a transition, never both or neither.
    await expect(db.query(`INSERT INTO alert_deliveries (url, body) VALUES ('http://x', '{}')`)).rejects.toThrow(/alert_deliveries_one_subject/);
  });

  it('goes back and forth', async () => {
    await run('down');
    await run('up');
    expect(await db.query(`SELECT count(*)::int AS n FROM alert_notifications`)).toEqual([{ n: 0 }]);
  });
});
