import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually, fixedClock, PipelineHarness } from './support/pipeline-harness';

const ROOT = join(__dirname, '..');
const DB_PASSWORD = 'db-secret-pw-5150';
const IOC_KEY = 'local-ioc-key';
const AUDITOR_KEY = 'local-auditor-key';

/** An app's real main.ts in its own process (TypeScript transpiled on the fly), its stdout kept. */
function runApp(app: string, env: Record<string, string | undefined>): { child: ChildProcess; stdout: () => string; exited: Promise<number | null> } {
  let stdout = '';
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(ROOT, `apps/${app}/src/main.ts`)], {
    cwd: ROOT,
    env: { ...env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, exited };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Every line must be one JSON object; returns them parsed. */
/** The fields of a pino line these checks read; the rest is matched with toMatchObject. */
interface LogLine {
  name: string;
  level: number;
  msg: string;
  context?: string;
  requestId?: string;
  req?: { url: string };
  res?: { statusCode: number };
  err?: { message: string };
}

function jsonLines(output: string): LogLine[] {
  return output
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

/**
 * Issue 13, logs: the real api process writes every line — Nest's own included — as JSON through
 * pino, names each request by a request id (the caller's X-Request-Id when it is a plain token),
 * and keeps API keys and database passwords out of its output; so do start-up failures.
 */
describe('structured logs of the real processes (redaction, request ids)', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'));
  });

  afterAll(async () => {
    await h?.close();
  });

  it('the api logs JSON only, with request ids and no API key or database password', async () => {
    const port = await freePort();
    const url = new URL(h.env.DATABASE_URL!);
    url.password = DB_PASSWORD; // trust authentication ignores it; the logs must not show it
    url.searchParams.set('options', `-c search_path=${h.schema}`);
    const api = runApp('api', { ...h.env, DATABASE_URL: url.toString(), API_PORT: String(port), LOG_LEVEL: 'info' });
    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => expect((await fetch(`${base}/api/v1/health`)).status).toBe(200), 90_000, 500);
      expect(await (await fetch(`${base}/api/v1/health/live`)).json()).toEqual({ status: 'ok' });
      // The image's HEALTHCHECK (deploy/docker/Dockerfile) against this api: healthy here, not on a closed port.
      const probe = (env: Record<string, string>) => spawnSync(process.execPath, [join(ROOT, 'scripts/container-healthcheck.js')], { env: { ...env, PATH: process.env.PATH } }).status;
      expect(probe({ API_PORT: String(port) })).toBe(0);
      expect(probe({ API_PORT: String(await freePort()) })).toBe(1);

      const named = await fetch(`${base}/api/v1/units`, { headers: { 'X-API-Key': IOC_KEY, 'X-Request-Id': 'req-abc.123' } });
      expect(named.status).toBe(200);
      expect(named.headers.get('x-request-id')).toBe('req-abc.123');
      const forged = await fetch(`${base}/api/v1/units`, { headers: { 'X-API-Key': IOC_KEY, 'X-Request-Id': 'x"} {"level":60' } });
      const generated = forged.headers.get('x-request-id');
      expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
      // The SSE stream is the one route that takes the key in the URL: it must not reach the log.
      const stream = new AbortController();
      const byQuery = await fetch(`${base}/api/v1/alerts/stream?apiKey=${IOC_KEY}`, { signal: stream.signal });
      expect(byQuery.status).toBe(200);
      stream.abort();
      expect((await fetch(`${base}/api/v1/units`, { headers: { 'X-API-Key': 'wrong-key-123' } })).status).toBe(401);

      api.child.kill('SIGTERM');
      // Nest closes the app on SIGTERM, then re-raises the signal: a clean stop ends by it.
      expect(await api.exited).toBeNull();
      expect(api.child.signalCode).toBe('SIGTERM');
      const output = api.stdout();
      const lines = jsonLines(output);

      // Nest's own start-up lines come through pino, with their context.
      expect(lines.some((l) => l.context === 'NestApplication' && /successfully started/.test(l.msg))).toBe(true);
      expect(lines.every((l) => l.name === 'api' && typeof l.level === 'number')).toBe(true);
      // Request completion lines, by request id.
      const done = lines.filter((l) => l.req && l.res);
      expect(done.find((l) => l.requestId === 'req-abc.123')).toMatchObject({ req: { method: 'GET', url: '/api/v1/units', headers: { 'x-api-key': '[redacted]' } }, res: { statusCode: 200 } });
      expect(done.find((l) => l.requestId === generated)).toBeDefined();
      expect(done.find((l) => l.req?.url === '/api/v1/alerts/stream?apiKey=[redacted]')).toMatchObject({ req: { query: { apiKey: '[redacted]' } } });
      expect(done.find((l) => l.res?.statusCode === 401)).toBeDefined();
      // No secret anywhere in the output.
      for (const secret of [IOC_KEY, AUDITOR_KEY, 'wrong-key-123', DB_PASSWORD]) expect(output).not.toContain(secret);
    } finally {
      if (api.child.exitCode === null) api.child.kill('SIGKILL');
    }
  });

  it("a worker logs JSON only too: Nest's lines and its own", async () => {
    const url = new URL(h.env.DATABASE_URL!);
    url.password = DB_PASSWORD;
    url.searchParams.set('options', `-c search_path=${h.schema}`);
    const port = await freePort();
    const ingest = runApp('ingest', { ...h.env, DATABASE_URL: url.toString(), HEALTH_PORT: String(port), HEALTH_HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    try {
      await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200), 90_000, 500);
      ingest.child.kill('SIGTERM');
      await ingest.exited;
      const lines = jsonLines(ingest.stdout());
      expect(lines.every((l) => l.name === 'ingest')).toBe(true);
      expect(lines.some((l) => l.context === 'InstanceLoader')).toBe(true);
      expect(lines.some((l) => /health and metrics endpoints listening/.test(l.msg))).toBe(true);
      expect(ingest.stdout()).not.toContain(DB_PASSWORD);
    } finally {
      if (ingest.child.exitCode === null && ingest.child.signalCode === null) ingest.child.kill('SIGKILL');
    }
  });

  it.each([
    ['api', { DATABASE_URL: `mysql://tthc:${DB_PASSWORD}@db.internal/tthc`, API_KEYS: 'only-one-secret-key' }, ['DATABASE_URL', 'API_KEYS'], [DB_PASSWORD, 'only-one-secret-key']],
    ['notifier', { ALERT_WEBHOOKS: '[{"url":"http://127.0.0.1:9/hook","secret":"short-secret"}]' }, ['ALERT_WEBHOOKS[0].secret'], ['short-secret']],
  ])('a %s that cannot start says which setting is wrong in one JSON line, without its secret', async (app, bad, settings, secrets) => {
    const run = runApp(app, { ...h.env, ...bad, LOG_LEVEL: 'info' });
    expect(await run.exited).toBe(1);
    const lines = jsonLines(run.stdout());
    const fatal = lines.find((l) => l.level === 60);
    expect(fatal).toMatchObject({ name: app, msg: `${app} failed to start` });
    for (const s of settings) expect(fatal?.err?.message).toContain(`${s}:`);
    for (const secret of secrets) expect(run.stdout()).not.toContain(secret);
  });
});
