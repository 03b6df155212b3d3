import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server as HttpServer, get as httpGet } from 'node:http';
import { type AddressInfo, type Server, connect, createServer as createNetServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiModule } from '../apps/api/src/api.module';
import { configureApiApp } from '../apps/api/src/configure-api-app';
import { NotifierModule } from '../apps/notifier/src/notifier.module';
import { SettingsError } from '@tthc/config';
import { dataSourceOptions } from '@tthc/persistence';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { runCli } from './support/run-cli';

/**
 * Issue 10 on the real api, PostgreSQL and Redis, in production mode (TTHC_ENV=production): keys
 * by name and hash, what is refused at start-up, abuse limits that hold across two api replicas
 * sharing Redis, keys in URLs, security headers, health answers, database timeouts, bounded
 * silences. Expected values are worked out here (SHA-256 of keys, day counts), not read from the code.
 */
const NOW = '2025-10-15T12:00:00+07:00';
const clock = fixedClock(NOW);
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const newKey = () => `tthc_${randomBytes(24).toString('base64url')}`;
/** An app's HTTP server for supertest: Nest types it `any`; the Express platform serves a node:http Server. */
const httpOf = (app: INestApplication) => app.getHttpServer() as HttpServer;

const OPERATOR_KEY = newKey();
const IOC_KEY = newKey();
const PROBE_KEY = newKey();
const AUDITOR_ENTRY_NAME = 'so-noi-vu-audit';

describe('API security outside local mode (real PostgreSQL, Redis; two api replicas)', () => {
  let h: PipelineHarness;
  let auditorKey: string;
  let api2: INestApplication;
  const extra: INestApplication[] = [];
  const header = (key: string) => ({ 'X-API-Key': key });

  async function startApi(env: Record<string, string | undefined>): Promise<INestApplication> {
    const app = configureApiApp(await NestFactory.create(ApiModule.register({ env, databaseSchema: h.schema, clock }), { logger: ['error'] }));
    await app.init();
    extra.push(app);
    return app;
  }

  beforeAll(async () => {
    // The auditor's key is made the way an operator makes one: with the CLI.
    const made = await runCli(['keys', 'new', '--name', AUDITOR_ENTRY_NAME, '--roles', 'auditor']);
    expect(made.code).toBe(0);
    auditorKey = /key \(give it to its holder; it is not stored anywhere\): (\S+)/.exec(made.stdout)![1];
    const entry = /API_KEYS entry: (\S+)/.exec(made.stdout)![1];
    expect(entry).toBe(`${AUDITOR_ENTRY_NAME}:auditor:${sha256(auditorKey)}`);

    h = await PipelineHarness.create(clock, {
      TTHC_ENV: 'production',
      API_KEYS: [entry, `ops-trung-tam:operator:${sha256(OPERATOR_KEY)}`, `ioc-screen-1:ioc:${sha256(IOC_KEY)}`, `rate-probe:ioc:${sha256(PROBE_KEY)}`].join(','),
      TRUST_PROXY: 'loopback',
      AUTH_FAILURE_LIMIT: '5',
      AUTH_FAILURE_WINDOW_SECONDS: '300',
      AUTH_FAILURE_BLOCK_SECONDS: '600',
      RATE_LIMIT_MAX: '40',
      MAX_STREAMS_PER_KEY: '2',
    });
    await h.start('api');
    // A second replica: same database and Redis, its own process state.
    api2 = await startApi(h.env);
  }, 180_000);

  afterAll(async () => {
    for (const app of extra) await app.close();
    await h?.close();
  });

  describe('keys', () => {
    const startError = (env: Record<string, string | undefined>) => {
      try {
        ApiModule.register({ env, databaseSchema: h.schema, clock });
      } catch (e) {
        return e as SettingsError;
      }
      throw new Error('the api started');
    };

    it('refuses to start outside local mode without API_KEYS', () => {
      const e = startError({ ...h.env, API_KEYS: undefined });
      expect(e).toBeInstanceOf(SettingsError);
      expect(e.problems).toEqual([expect.stringMatching(/^API_KEYS: must be set outside local mode/)]);
      // The same settings start in local mode, where the published keys apply.
      expect(() => ApiModule.settingsFrom({ ...h.env, API_KEYS: undefined, TTHC_ENV: 'local' })).not.toThrow();
    });

    it('refuses the published local keys outside local mode, even configured by hash', () => {
      const e = startError({ ...h.env, API_KEYS: `boss:admin:${sha256('local-admin-key')}` });
      expect(e.problems).toEqual(['API_KEYS: the key named boss is the published local key of local-admin, accepted in local mode only; make a new one with keys new']);
    });

    it('refuses two entries with one name, since the name is the actor', () => {
      const e = startError({ ...h.env, API_KEYS: `ops:operator:${sha256(newKey())},ops:ioc:${sha256(newKey())}` });
      expect(e.problems).toEqual(['API_KEYS: the name ops is used twice; each key needs its own name (it is recorded as the actor)']);
    });

    it('never echoes a secret setting or a URL password in the start-up error', () => {
      const raw = 'ops:operator:tthc_this-is-the-raw-key-not-a-hash';
      const e = startError({ ...h.env, API_KEYS: raw, DATABASE_URL: 'mysql://tthc:hunter2-password@db.internal/tthc' });
      const text = e.message;
      expect(text).toContain(`API_KEYS: must be name:role[|role]:sha256hex,…`);
      expect(text).toContain(`(set, ${raw.length} characters, value not shown)`);
      expect(text).toContain('DATABASE_URL: must be a postgres:// URL (got "mysql://tthc:[redacted]@db.internal/tthc")');
      expect(text).not.toContain('this-is-the-raw-key');
      expect(text).not.toContain('hunter2');
      const secret = 'webhook-secret-that-must-not-be-printed-0123456789';
      let notifierError: unknown;
      try {
        NotifierModule.register({ env: { ...h.env, ALERT_WEBHOOKS: JSON.stringify([{ url: 'http://hooks.example.vn/x?token=t0k3n', secret }]) } });
      } catch (err) {
        notifierError = err;
      }
      expect((notifierError as Error).message).toContain('ALERT_WEBHOOKS[0].url: must use https outside local mode (got http://hooks.example.vn/x?***)');
      expect((notifierError as Error).message).not.toContain(secret);
      expect((notifierError as Error).message).not.toContain('t0k3n');
    });

    it('accepts a configured key and records its name as the actor of an export; the published keys get 401', async () => {
      expect((await request(h.http()).get('/api/v1/alerts/deliveries').set(header('local-admin-key'))).status).toBe(401);
      expect((await request(h.http()).get('/api/v1/alerts/deliveries').set(header(OPERATOR_KEY))).status).toBe(200);
      const csv = await request(h.http()).get('/api/v1/exports/units.csv?from=2025-07-01&to=2025-07-31').set(header(auditorKey));
      expect(csv.status).toBe(200);
      expect(csv.text).toContain(`Người xuất (khóa API),${AUDITOR_ENTRY_NAME}`);
      const log = await h.sql(`SELECT actor, report, format, to_char(range_from, 'YYYY-MM-DD') AS "from", row_count AS rows FROM export_log`);
      expect(log).toEqual([{ actor: AUDITOR_ENTRY_NAME, report: 'units', format: 'csv', from: '2025-07-01', rows: 125 }]);
    });
  });

  describe('keys in URLs', () => {
    it('ignores ?apiKey= everywhere but the SSE stream, and says so', async () => {
      const units = await request(h.http()).get(`/api/v1/units?apiKey=${IOC_KEY}`);
      expect(units.status).toBe(401);
      expect(units.body.message).toBe('X-API-Key header is required; ?apiKey= is accepted on /alerts/stream only');
      const post = await request(h.http()).post(`/api/v1/alerts/silences?apiKey=${OPERATOR_KEY}`).send({ unitCode: '28756', endsAt: '2025-10-20T12:00:00+07:00', reason: 'x' });
      expect(post.status).toBe(401);
    });
  });

  describe('abuse limits', () => {
    const FROM_A = { 'X-Forwarded-For': '203.0.113.7' };
    const FROM_B = { 'X-Forwarded-For': '203.0.113.8' };

    it('throttles wrong keys per client address, in Redis: 300 guesses get 5 × 401, then 429 with Retry-After on both replicas', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 300; i++) {
        const server = i % 2 === 0 ? h.http() : httpOf(api2);
        const res = await request(server)
          .get('/api/v1/units')
          .set({ ...FROM_A, ...header(newKey()) });
        statuses.push(res.status);
        if (res.status === 429) {
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
          expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(600);
        }
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
      // A blocked address is refused even with a valid key: a guesser learns nothing from a 200.
      for (const server of [h.http(), httpOf(api2)]) {
        const res = await request(server)
          .get('/api/v1/units')
          .set({ ...FROM_A, ...header(IOC_KEY) });
        expect(res.status).toBe(429);
        expect(res.body.message).toMatch(/^too many invalid API keys from this address; retry in \d+ s$/);
      }
      // Another address is not affected.
      expect(
        (
          await request(h.http())
            .get('/api/v1/units')
            .set({ ...FROM_B, ...header(IOC_KEY) })
        ).status,
      ).toBe(200);
      expect(
        (
          await request(httpOf(api2))
            .get('/api/v1/units')
            .set({ ...FROM_B, ...header(newKey()) })
        ).status,
      ).toBe(401);
    });

    it('shares one request budget per key across replicas and routes', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const server = i % 2 === 0 ? h.http() : httpOf(api2);
        statuses.push(
          (
            await request(server)
              .get(i % 3 === 0 ? '/api/v1/units' : '/api/v1/alerts')
              .set(header(PROBE_KEY))
          ).status,
        );
      }
      expect(statuses.every((s) => s === 200)).toBe(true);
      for (const server of [h.http(), httpOf(api2)]) {
        const res = await request(server).get('/api/v1/alerts/summary').set(header(PROBE_KEY));
        expect(res.status).toBe(429);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect((await request(h.http()).get('/api/v1/units').set(header(IOC_KEY))).status).toBe(200);
    });

    it('caps the points of a series: ten years of days are refused, ten years of months are not', async () => {
      // 2015-01-01 … 2024-12-31: 10 × 365 days + 3 leap days (2016, 2020, 2024).
      const daily = await request(h.http()).get('/api/v1/metrics/province/series?from=2015-01-01&to=2024-12-31&granularity=day').set(header(auditorKey));
      expect(daily.status).toBe(400);
      expect(daily.body.message).toBe('the series would have 3653 points; at most 1000 are allowed: choose a coarser granularity or a shorter range');
      const exported = await request(h.http()).get('/api/v1/exports/province/series.csv?from=2015-01-01&to=2024-12-31&granularity=day').set(header(auditorKey));
      expect(exported.status).toBe(400);
      const monthly = await request(h.http()).get('/api/v1/metrics/province/series?from=2015-01-01&to=2024-12-31&granularity=month').set(header(auditorKey));
      expect(monthly.status).toBe(200);
      expect(monthly.body.points).toHaveLength(120);
    });

    it('caps the open SSE streams of one key across replicas', async () => {
      const ports: number[] = [];
      for (const app of [h.app('api') as INestApplication, api2]) {
        const server = app.getHttpServer() as Server;
        if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        ports.push((server.address() as AddressInfo).port);
      }
      const open = (port: number, key: string) =>
        new Promise<IncomingMessage>((resolve, reject) => {
          httpGet({ host: '127.0.0.1', port, path: `/api/v1/alerts/stream?apiKey=${encodeURIComponent(key)}` }, resolve).on('error', reject);
        });
      const first = await open(ports[0], IOC_KEY);
      const second = await open(ports[1], IOC_KEY);
      try {
        expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
        expect(first.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        const third = await open(ports[0], IOC_KEY);
        expect(third.statusCode).toBe(429);
        expect(third.headers['retry-after']).toBe('15');
        third.resume();
        // Another key has its own slots.
        const other = await open(ports[1], OPERATOR_KEY);
        expect(other.statusCode).toBe(200);
        other.destroy();
        // Closing a stream frees its slot.
        first.destroy();
        await eventually(async () => {
          const again = await open(ports[0], IOC_KEY);
          again.destroy();
          expect(again.statusCode).toBe(200);
        }, 10_000);
      } finally {
        first.destroy();
        second.destroy();
      }
    });
    it('frees the slot of a client that leaves while its stream is being set up', async () => {
      const server = (h.app('api') as INestApplication).getHttpServer() as Server;
      if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      // Sent and dropped at once: the api is still checking the key and taking a slot when the
      // connection closes, so the stream's 'close' comes before the stream is set up.
      for (let i = 0; i < 6; i++) {
        const socket = connect(port, '127.0.0.1');
        await new Promise<void>((resolve) => socket.once('connect', resolve));
        socket.end(`GET /api/v1/alerts/stream?apiKey=${encodeURIComponent(OPERATOR_KEY)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, () => socket.destroy());
      }
      // Every slot comes back: both streams the key may hold open (MAX_STREAMS_PER_KEY=2).
      await eventually(async () => {
        const streams = await Promise.all(
          [0, 1].map(
            () =>
              new Promise<IncomingMessage>((resolve, reject) => {
                httpGet({ host: '127.0.0.1', port, path: `/api/v1/alerts/stream?apiKey=${encodeURIComponent(OPERATOR_KEY)}` }, resolve).on('error', reject);
              }),
          ),
        );
        for (const s of streams) s.destroy();
        expect(streams.map((s) => s.statusCode)).toEqual([200, 200]);
      }, 10_000);
    });
  });

  describe('headers and health', () => {
    it('serves the pages with a CSP that allows their own inline code by hash only', async () => {
      for (const path of ['/', '/auditor']) {
        const res = await request(h.http()).get(path);
        expect(res.status).toBe(200);
        const csp = res.headers['content-security-policy'];
        expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
        expect(csp).toContain("connect-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('unsafe-inline');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
      const json = await request(h.http()).get('/api/v1/units').set(header(IOC_KEY));
      expect(json.headers['content-security-policy']).toMatch(/^default-src 'none'/);
    });

    it('answers health without the driver’s error text', async () => {
      const closed = await new Promise<number>((resolve) => {
        const s = createNetServer();
        s.listen(0, '127.0.0.1', () => {
          const { port } = s.address() as AddressInfo;
          s.close(() => resolve(port));
        });
      });
      const noRedis = await startApi({ ...h.env, REDIS_URL: `redis://127.0.0.1:${closed}` });
      const res = await request(httpOf(noRedis)).get('/api/v1/health');
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({ redis: { status: 'down', message: 'not reachable' } });
      expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|retries/i);
    });
  });

  describe('database timeouts', () => {
    it('opens every connection with the app’s statement and lock timeouts', async () => {
      const ds = h.app('api').get(DataSource);
      const [row] = await ds.query(`SELECT current_setting('statement_timeout') AS statement, current_setting('lock_timeout') AS lock`);
      expect(row).toEqual({ statement: '15s', lock: '5s' });
    });

    it('answers 503 with Retry-After when a query outlives DB_STATEMENT_TIMEOUT_MS', async () => {
      const impatient = await startApi({ ...h.env, DB_STATEMENT_TIMEOUT_MS: '300' });
      const holder = new Client({ connectionString: h.env.DATABASE_URL, options: `-c search_path=${h.schema}` });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('LOCK TABLE unit_daily_counters IN ACCESS EXCLUSIVE MODE');
        const res = await request(httpOf(impatient)).get('/api/v1/metrics/province?from=2025-07-01&to=2025-07-31').set(header(IOC_KEY));
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.body).toEqual({ statusCode: 503, message: 'the database is busy; retry in 5 s' });
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
    });

    it('gives up waiting for a pool connection after the connect timeout', async () => {
      const ds = await new DataSource(dataSourceOptions(h.env.DATABASE_URL!, { poolSize: 1, timeouts: { statementTimeoutMs: 10_000, lockTimeoutMs: 1_000, connectTimeoutMs: 300 } })).initialize();
      try {
        const busy = ds.query('SELECT pg_sleep(2)');
        await expect(ds.query('SELECT 1')).rejects.toThrow(/timeout exceeded when trying to connect/);
        await busy;
      } finally {
        await ds.destroy();
      }
    });
  });

  describe('silences', () => {
    it('are bounded to MAX_SILENCE_DAYS and recorded under the key’s name', async () => {
      const send = (endsAt: string) => request(h.http()).post('/api/v1/alerts/silences').set(header(OPERATOR_KEY)).send({ unitCode: '28756', endsAt, reason: 'Chuyển đổi hệ thống' });
      const tooLong = await send('2099-01-01T00:00:00+07:00');
      expect(tooLong.status).toBe(400);
      // NOW + 30 days: 2025-11-14T12:00:00+07:00 = 05:00Z.
      expect(tooLong.body.message).toBe('a silence may last at most 30 days: endsAt must not be after 2025-11-14T05:00:00.000Z');
      expect((await send('2025-11-14T12:00:01+07:00')).status).toBe(400);
      const ok = await send('2025-11-14T12:00:00+07:00');
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ createdBy: 'ops-trung-tam', active: true });
      const expired = await request(h.http()).post(`/api/v1/alerts/silences/${ok.body.id}/expire`).set(header(OPERATOR_KEY));
      expect(expired.body).toMatchObject({ expiredBy: 'ops-trung-tam', active: false });
    });
  });
});
