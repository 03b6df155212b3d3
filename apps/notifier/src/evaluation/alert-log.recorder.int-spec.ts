import { type AlertRule, ruleDefaults } from '@tthc/domain';
import { insertSilence } from '@tthc/persistence';
import { ScratchDatabase } from '../../../../test/support/scratch-database';
import { AlertLogRecorder } from './alert-log.recorder';
import type { ObservedSubject } from './observation.stage';

/** The record stage on the real PostgreSQL: alerts and their transitions, unpublished, in one transaction. */
describe('AlertLogRecorder (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  let recorder: AlertLogRecorder;
  const NOW = Date.parse('2025-07-31T12:00:00+07:00');
  const RULE: AlertRule = { id: 'online-rate-30d', metric: 'onlineRate', ...ruleDefaults('onlineRate'), overrides: [] };
  const observed = (code: string, name: string, value: number): ObservedSubject => ({
    code,
    name,
    rule: RULE,
    members: [code],
    observation: { value, sampleSize: 40, window: { from: '2025-07-02', to: '2025-07-31' } },
  });
  const transitions = (unit: string) =>
    db.query<{ kind: string; notify: boolean; silenced: boolean; message: string; window_from: string; published: boolean }>(
      `SELECT t.kind, t.notify, t.silenced, t.message, to_char(t.window_from, 'YYYY-MM-DD') AS window_from, t.published_at IS NOT NULL AS published
         FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id WHERE a.unit_code = $1 ORDER BY t.id`,
      [unit],
    );

  beforeAll(async () => {
    db = await ScratchDatabase.create();
    recorder = new AlertLogRecorder(db.dataSource);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('opens an alert and records its transition, worded, with its window, for the outbox to publish', async () => {
    expect(await recorder.record([observed('28756', 'Phường Phú Khương', 0.5)], ['28756'], NOW)).toBe(1);
    expect(await transitions('28756')).toEqual([
      { kind: 'FIRED', notify: true, silenced: false, message: 'Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 50,00% < mục tiêu 80%', window_from: '2025-07-02', published: false },
    ]);
    const [alert] = await db.query<{ state: string; last_value: number; window_name: string }>(`SELECT state, last_value, window_name FROM alerts WHERE unit_code = '28756'`);
    expect(alert).toEqual({ state: 'OPEN', last_value: 0.5, window_name: 'rolling30d' });
  });

  it('writes nothing when the figures are the same, and follows new ones without a transition', async () => {
    expect(await recorder.record([observed('28756', 'Phường Phú Khương', 0.5)], ['28756'], NOW + 1000)).toBe(0);
    expect(await recorder.record([observed('28756', 'Phường Phú Khương', 0.52)], ['28756'], NOW + 2000)).toBe(0);
    expect(await transitions('28756')).toHaveLength(1);
    const [alert] = await db.query<{ last_value: number }>(`SELECT last_value FROM alerts WHERE unit_code = '28756'`);
    expect(alert.last_value).toBe(0.52);
  });

  it('records a silenced unit’s breach without notifying it', async () => {
    await insertSilence(db.dataSource, {
      id: '00000000-0000-4000-8000-000000000001',
      unitCode: '28777',
      ruleId: null,
      startsAt: NOW - 1,
      endsAt: NOW + 3_600_000,
      reason: 'bảo trì',
      createdBy: 'local-operator',
      createdAt: NOW - 1,
    });
    expect(await recorder.record([observed('28777', 'Phường An Hội', 0.4)], ['28777'], NOW)).toBe(1);
    expect(await transitions('28777')).toMatchObject([{ kind: 'FIRED', notify: false, silenced: true, published: false }]);
  });

  it('resolves on recovery, evaluated by the clock tick over every unit', async () => {
    expect(await recorder.record([observed('28756', 'Phường Phú Khương', 0.9), observed('28777', 'Phường An Hội', 0.4)], undefined, NOW + 3000)).toBe(1);
    expect((await transitions('28756')).map((t) => t.kind)).toEqual(['FIRED', 'RESOLVED']);
    expect((await transitions('28777')).map((t) => t.kind)).toEqual(['FIRED']);
  });
});
