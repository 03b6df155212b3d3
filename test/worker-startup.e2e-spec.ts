import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { PrivateBroker, freePort } from '@tthc/process-kit';

/**
 * Issue 11: a worker started before its broker or database waits for it, one log line per try,
 * and becomes healthy once it is there; past STARTUP_TIMEOUT_MS it exits 1 naming what it waited
 * for. The worker runs as users run it (`node dist/apps/aggregator/src/main.js`), started here
 * without waiting for health, since being unhealthy for a while is the point.
 */
describe('worker start-up before its dependencies (a private Kafka broker, a worker process)', () => {
  const ROOT = join(__dirname, '..');
  let broker: PrivateBroker | undefined;
  let h: PipelineHarness | undefined;
  const children: ChildProcess[] = [];

  /** The aggregator process, its output collected, its exit awaited. */
  function spawnAggregator(env: Record<string, string | undefined>) {
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps/aggregator/src/main.js')], { env: { ...env, KAFKAJS_NO_PARTITIONER_WARNING: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    return { child, output: () => output, exited };
  }
  const health = (port: number) =>
    fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => r.status,
      () => 0,
    );

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await h?.close().catch(() => undefined);
    await broker?.destroy();
  });

  it('waits for a broker that is not up yet, saying so, and is healthy once it is', async () => {
    broker = await PrivateBroker.start();
    h = await PipelineHarness.create(fixedClock(new Date().toISOString()), { KAFKA_BROKERS: broker.brokers, TOPIC_PARTITIONS: '1' });
    await broker.down();

    const healthPort = await freePort();
    const w = spawnAggregator({ ...h.processEnv({ LOG_LEVEL: 'info' }), HEALTH_PORT: String(healthPort), HEALTH_HOST: '127.0.0.1' });
    await eventually(async () => expect(w.output()).toContain(`waiting for Kafka at ${broker!.brokers} (attempt 2)`), 60_000, 250);
    expect(w.child.exitCode).toBeNull();
    expect(await health(healthPort)).not.toBe(200);

    await broker.up();
    await eventually(async () => expect(await health(healthPort)).toBe(200), 120_000, 500);
    expect(w.output()).toContain(`Kafka at ${broker.brokers} is reachable`);
    w.child.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
  });

  it('gives up after STARTUP_TIMEOUT_MS on a database that never comes, exit 1 naming it', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const w = spawnAggregator({ ...process.env, TTHC_ENV: 'local', DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/tthc`, STARTUP_TIMEOUT_MS: '4000', LOG_LEVEL: 'info' });
    expect(await w.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - t0).toBeLessThan(4_000 + 20_000); // the bound plus a Node start-up on a busy machine
    expect(w.output()).toContain(`waiting for PostgreSQL at 127.0.0.1:${port} (attempt 1)`);
    expect(w.output()).toContain(`PostgreSQL at 127.0.0.1:${port} did not answer within STARTUP_TIMEOUT_MS (4000 ms`);
  });
});
