import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import request from 'supertest';
import { LOGGER } from '@tthc/infrastructure';
import type { AlertGroupNotification } from '@tthc/domain';
import { verifySignature } from '../apps/notifier/src/webhooks/webhook-signature';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { asMessage, received } from './support/dossier-events';
import { runCli } from './support/run-cli';

/**
 * Issue 10, webhooks a receiver can verify, on the real pipeline (Kafka, PostgreSQL, Redis) and
 * real HTTP receivers: each receiver's own secret, a signature over the send time and the body
 * that goes stale after 5 minutes, redirects not followed, URLs redacted in the deliveries API and
 * in the logs, and dead deliveries re-sent by the CLI.
 */
const SECRET_A = 'receiver-a-secret-0123456789abcdef0123456789';
const SECRET_B = 'receiver-b-secret-fedcba9876543210fedcba9876';
const SECRET_MOVED = 'receiver-moved-secret-00112233445566778899aa';
const OPERATOR = { 'X-API-Key': 'local-operator-key' };
const UNIT = '28756'; // Phường Phú Khương

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

describe('webhooks a receiver can trust (real Kafka, PostgreSQL, Redis, HTTP receivers)', () => {
  let h: PipelineHarness;
  let receiver: Server;
  let elsewhere: Server;
  let base: string;
  let movedUrl: string;
  let elsewherePort: number;
  let movedFixed = false;
  let elsewhereCalls = 0;
  const got: Received[] = [];
  const logged: string[] = [];

  beforeAll(async () => {
    elsewhere = createServer((req, res) => {
      elsewhereCalls++;
      req.resume();
      res.writeHead(200).end();
    });
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r));
    elsewherePort = (elsewhere.address() as AddressInfo).port;
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) });
        if (req.url?.startsWith('/moved') && !movedFixed) {
          return res.writeHead(307, { Location: `http://127.0.0.1:${elsewherePort}/collect?key=zzz-secret-token` }).end();
        }
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    movedUrl = `http://hookuser:hookpass@127.0.0.1:${port}/moved?token=abc-query-token`;

    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'), {
      ALERT_TICK_MS: '3600000',
      ALERT_DELIVERY_POLL_MS: '50',
      ALERT_WEBHOOK_MAX_ATTEMPTS: '5',
      ALERT_WEBHOOK_BACKOFF_MS: '100',
      ALERT_GROUP_WAIT_MS: '0',
      ALERT_WEBHOOKS: JSON.stringify([
        { url: `${base}/a`, secret: SECRET_A },
        { url: `${base}/b`, secret: SECRET_B },
        { url: movedUrl, secret: SECRET_MOVED },
      ]),
    });
    await h.start('ingest', 'aggregator', 'notifier', 'api');
    // A copy of every line the notifier's logger writes, passed on unchanged.
    const stream = h.app('notifier').get<symbol, Record<symbol, { write(line: string): unknown }>>(LOGGER)[pino.symbols.streamSym];
    const write = stream.write.bind(stream);
    stream.write = (line: string) => (logged.push(line), write(line));
    // 30 receipts, 15 online: the unit opens one alert, whose notification goes to the three receivers.
    await h.produce(Array.from({ length: 30 }, (_, i) => asMessage(received(UNIT, `wh-${i}`, '2025-07-20T08:00:00+07:00', i < 15 ? 'ONLINE' : 'DIRECT', '2025-09-30T17:00:00+07:00'))));
    await eventually(async () => expect(got.filter((g) => g.path === '/a' || g.path === '/b')).toHaveLength(2));
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await new Promise((r) => receiver?.close(r));
    await new Promise((r) => elsewhere?.close(r));
  });

  const delivery = (path: string) => got.find((g) => g.path === path)!;
  const now = () => Math.floor(Date.now() / 1000);

  it('signs each receiver’s delivery with its own secret, over the send time and the body', () => {
    const a = delivery('/a');
    const b = delivery('/b');
    const sigA = a.headers['x-tthc-signature'] as string;
    expect(sigA).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    expect(Math.abs(Number(/^t=(\d+)/.exec(sigA)![1]) - now())).toBeLessThan(60);
    expect(verifySignature(SECRET_A, a.raw, sigA, now())).toBe(true);
    expect(verifySignature(SECRET_B, b.raw, b.headers['x-tthc-signature'] as string, now())).toBe(true);
    // One receiver's secret cannot verify (or forge) another's delivery.
    expect(verifySignature(SECRET_B, a.raw, sigA, now())).toBe(false);
    // The grouped notification (issue 15) listing the unit that newly breached.
    const body = JSON.parse(a.raw.toString()) as AlertGroupNotification;
    expect(body.fired.map((e) => [e.unitCode, e.state])).toEqual([[UNIT, 'OPEN']]);
    expect(a.headers['x-tthc-notification']).toBe(String(body.notificationId));
    expect(a.raw.equals(b.raw)).toBe(true);
  });

  it('makes a captured delivery worthless after 5 minutes', () => {
    const a = delivery('/a');
    const sigA = a.headers['x-tthc-signature'] as string;
    const t = Number(/^t=(\d+)/.exec(sigA)![1]);
    expect(verifySignature(SECRET_A, a.raw, sigA, t + 300)).toBe(true);
    expect(verifySignature(SECRET_A, a.raw, sigA, t + 301)).toBe(false);
    // Re-dating it breaks the signature.
    expect(verifySignature(SECRET_A, a.raw, sigA.replace(`t=${t}`, `t=${t + 600}`), t + 600)).toBe(false);
  });

  it('does not follow a redirect: the delivery is dead after one attempt, and nothing reaches the target', async () => {
    const row = await eventually(async () => {
      const rows = await h.sql<{ id: string; state: string; attempts: number; last_status: number; last_error: string }>(
        `SELECT id::text AS id, state, attempts, last_status, last_error FROM alert_deliveries WHERE url = $1`,
        [movedUrl],
      );
      expect(rows.map((r) => r.state)).toEqual(['DEAD']);
      return rows[0];
    });
    expect(row).toMatchObject({ attempts: 1, last_status: 307, last_error: `HTTP 307 redirect to http://127.0.0.1:${elsewherePort}/collect?*** not followed` });
    expect(elsewhereCalls).toBe(0);
    expect(got.filter((g) => g.path.startsWith('/moved'))).toHaveLength(1);
  });

  it('shows and logs receiver URLs without user-info or query', async () => {
    const res = await request(h.http()).get(`/api/v1/alerts/deliveries?unitCode=${UNIT}`).set(OPERATOR);
    expect(res.status).toBe(200);
    const port = new URL(base).port;
    expect(res.body.map((d: { url: string }) => d.url).sort()).toEqual([`${base}/a`, `${base}/b`, `http://***@127.0.0.1:${port}/moved?***`].sort());
    for (const secret of ['hookpass', 'hookuser', 'abc-query-token', 'zzz-secret-token']) expect(res.text).not.toContain(secret);
    const logLines = logged.filter((l) => l.includes('webhook delivery'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of ['hookpass', 'abc-query-token', 'zzz-secret-token']) expect(logLines.join('\n')).not.toContain(secret);
    expect(logLines.join('\n')).toContain(`http://***@127.0.0.1:${port}/moved?***`);
  });

  it('re-sends a dead delivery with `deliveries resend`, once', async () => {
    const [dead] = await h.sql<{ id: string }>(`SELECT id::text AS id FROM alert_deliveries WHERE url = $1`, [movedUrl]);
    movedFixed = true;
    const env = { ...process.env, DATABASE_URL: h.env.DATABASE_URL, PGOPTIONS: `-c search_path=${h.schema}`, TTHC_ENV: 'local' };
    const first = await runCli(['deliveries', 'resend', '--state', 'DEAD', '--id', dead.id], env);
    expect(first.stderr).toContain('deliveries: 1 dead deliveries back in the queue');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ resent: [Number(dead.id)] });
    await eventually(async () => {
      const rows = await h.sql<{ state: string; attempts: number; last_status: number }>(`SELECT state, attempts, last_status FROM alert_deliveries WHERE id = $1::bigint`, [dead.id]);
      expect(rows).toEqual([{ state: 'DELIVERED', attempts: 1, last_status: 200 }]);
    });
    const resent = got.filter((g) => g.path.startsWith('/moved')).at(-1)!;
    expect(verifySignature(SECRET_MOVED, resent.raw, resent.headers['x-tthc-signature'] as string, now())).toBe(true);
    // The URL's user-info went as Basic authorization, not in the request line.
    expect(resent.headers.authorization).toBe(`Basic ${Buffer.from('hookuser:hookpass').toString('base64')}`);
    expect(resent.path).toBe('/moved?token=abc-query-token');
    expect(resent.raw.equals(delivery('/a').raw)).toBe(true);
    // Not DEAD any more: a second resend changes nothing and says so.
    const again = await runCli(['deliveries', 'resend', '--state', 'DEAD', '--id', dead.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`not DEAD or not found: ${dead.id}`);
    const wrong = await runCli(['deliveries', 'resend', '--state', 'PENDING'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('deliveries resend needs --state DEAD');
  }, 120_000);
});
