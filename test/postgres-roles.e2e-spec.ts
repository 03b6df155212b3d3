import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { Client } from 'pg';
import { asMessage, received } from './support/dossier-events';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';

const ROOT = join(__dirname, '..');
const UNIT = '28756';
const OPERATOR = { 'X-API-Key': 'local-operator-key' };
const APPS = ['ingest', 'aggregator', 'notifier', 'api'] as const;

/**
 * deploy/postgres/roles.sql on the real PostgreSQL: every app runs as its own least-privilege role
 * through the whole flow (ingest, rejection, fold, alert, webhook outbox, acknowledgement,
 * silence), and a role cannot write what its app does not own.
 */
describe('least-privilege PostgreSQL roles per app (deploy/postgres/roles.sql)', () => {
  let h: PipelineHarness;
  let prefix: string;
  const roleOf = (app: (typeof APPS)[number]) => `${prefix}_${app}`;
  const urlAs = (role: string) => {
    const url = new URL(h.env.DATABASE_URL!);
    url.username = role; // trust authentication here; a deployment sets a password per role
    return url.toString();
  };
  const asRole = async (role: string, sql: string) => {
    const client = new Client({ connectionString: urlAs(role), options: `-c search_path=${h.schema}` });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'), {
      ALERT_BACKLOG_POLL_MS: '200',
      // A receiver that is not there: the delivery is attempted once and dead-lettered (an UPDATE).
      ALERT_WEBHOOKS: JSON.stringify([{ url: 'http://127.0.0.1:9/hook', secret: 'roles-test-secret-0123456789-abcdef' }]),
      ALERT_WEBHOOK_MAX_ATTEMPTS: '1',
      // Grouped notifications go out at once here: the test is about privileges, not timing.
      ALERT_GROUP_WAIT_MS: '0',
      LOG_LEVEL: 'fatal', // the dead-lettered deliveries are expected here
    });
    prefix = `e2e_${h.id}`;
    const psql = (args: string[]) => execFileSync('psql', [h.env.DATABASE_URL!, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], { encoding: 'utf8' });
    psql(['-v', `schema=${h.schema}`, '-v', `prefix=${prefix}`, '-f', join(ROOT, 'deploy/postgres/roles.sql')]);
    // Idempotent: a second run (after an upgrade) changes nothing and fails on nothing.
    psql(['-v', `schema=${h.schema}`, '-v', `prefix=${prefix}`, '-f', join(ROOT, 'deploy/postgres/roles.sql')]);
    for (const app of APPS) psql(['-c', `ALTER ROLE ${roleOf(app)} LOGIN`]);
    for (const app of APPS) await h.startWith(app, { DATABASE_URL: urlAs(roleOf(app)) });
  });

  afterAll(async () => {
    await h?.close();
    for (const app of APPS) {
      execFileSync('psql', [h.env.DATABASE_URL!, '-X', '-q', '-c', `DROP OWNED BY ${roleOf(app)}; DROP ROLE IF EXISTS ${roleOf(app)}`]);
    }
  });

  it('runs the whole flow with each app on its own role', async () => {
    // 30 receipts, 15 online: 50 % opens an alert under the default rules; plus one malformed record.
    await h.produce([
      ...Array.from({ length: 30 }, (_, i) => asMessage(received(UNIT, `role-${i}`, '2025-07-20T08:00:00+07:00', i < 15 ? 'ONLINE' : 'DIRECT', '2025-09-30T17:00:00+07:00'))),
      { key: 'role-bad', value: 'not json' },
    ]);
    const alert = await eventually(async () => {
      const res = await request(h.http()).get(`/api/v1/alerts?unitCode=${UNIT}&state=OPEN`).set(OPERATOR);
      expect(res.body).toHaveLength(1);
      return res.body[0] as { id: string };
    }, 60_000);
    expect((await request(h.http()).post(`/api/v1/alerts/${alert.id}/ack`).set(OPERATOR).send({ note: 'Đã liên hệ' })).status).toBe(200);
    const silence = await request(h.http()).post('/api/v1/alerts/silences').set(OPERATOR).send({ unitCode: UNIT, endsAt: '2025-08-01T00:00:00+07:00', reason: 'bảo trì' });
    expect(silence.status).toBe(201);
    expect((await request(h.http()).post(`/api/v1/alerts/silences/${silence.body.id}/expire`).set(OPERATOR).send({})).status).toBe(200);

    await eventually(async () => {
      const [counts] = await h.sql<Record<string, string>>(
        `SELECT (SELECT count(*) FROM raw_events) AS raw, (SELECT count(*) FROM rejected_events) AS rejected,
                (SELECT count(*) FROM dossiers) AS dossiers,
                (SELECT count(*) FROM alert_transitions WHERE published_at IS NOT NULL) AS published,
                (SELECT count(*) FROM alert_notifications) AS notifications,
                (SELECT count(*) FROM alert_deliveries) AS deliveries,
                (SELECT count(*) FROM alert_deliveries WHERE state = 'DEAD') AS dead`,
      );
      expect(counts).toMatchObject({ raw: '30', rejected: '1', dossiers: '30', published: '2' });
      expect(Number(counts.notifications)).toBeGreaterThan(0);
      expect(counts.deliveries).toBe(counts.notifications);
      expect(counts.dead).toBe(counts.deliveries);
    }, 30_000);
  });

  it.each([
    ['api', 'INSERT INTO raw_events SELECT * FROM raw_events LIMIT 0'],
    ['api', 'UPDATE unit_daily_counters SET received_total = 0'],
    ['ingest', 'UPDATE unit_daily_counters SET received_total = 0'],
    ['ingest', 'DELETE FROM raw_events'],
    ['ingest', 'DELETE FROM consumer_offsets'],
    ['api', 'UPDATE unit_versions SET version = 0'],
    ['aggregator', 'DELETE FROM unit_versions'],
    ['aggregator', 'UPDATE alerts SET state = state'],
    ['notifier', 'INSERT INTO raw_events SELECT * FROM raw_events LIMIT 0'],
    ['notifier', 'CREATE TABLE x (id int)'],
    ['api', 'UPDATE alert_notifications SET body = body'],
  ] as const)('the %s role may not: %s', async (app, sql) => {
    await expect(asRole(roleOf(app), sql)).rejects.toThrow(/permission denied/);
  });
});
