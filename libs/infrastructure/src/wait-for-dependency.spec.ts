import { Writable } from 'node:stream';
import { createLogger } from '@tthc/platform';
import { StartupTimeoutError, hostAndPort, waitForDependency } from './wait-for-dependency';

describe('waitForDependency', () => {
  /** A clock that moves only when the wait pauses, and the log lines written. */
  function harness() {
    let t = 0;
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
    const logger = createLogger('spec', 'info', sink);
    return { lines, logger, now: () => t, pause: async (ms: number) => void (t += ms) };
  }

  it('retries until the dependency answers, one line per failed attempt naming it', async () => {
    const h = harness();
    let calls = 0;
    const result = await waitForDependency(async () => (++calls < 4 ? Promise.reject(new Error('connect ECONNREFUSED')) : 'up'), {
      what: 'Kafka',
      where: '127.0.0.1:19092',
      timeoutMs: 60_000,
      ...h,
    });
    expect(result).toBe('up');
    await new Promise((r) => setImmediate(r));
    expect(h.lines.map((l) => l.msg)).toEqual([
      'waiting for Kafka at 127.0.0.1:19092 (attempt 1)',
      'waiting for Kafka at 127.0.0.1:19092 (attempt 2)',
      'waiting for Kafka at 127.0.0.1:19092 (attempt 3)',
      'Kafka at 127.0.0.1:19092 is reachable',
    ]);
  });

  it('gives up past the timeout with an error naming the dependency and the last failure', async () => {
    const h = harness();
    const error = await waitForDependency(() => Promise.reject(new Error('connect ECONNREFUSED')), { what: 'PostgreSQL', where: 'db:5432', timeoutMs: 10_000, ...h }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupTimeoutError);
    expect((error as Error).message).toMatch(/^PostgreSQL at db:5432 did not answer within STARTUP_TIMEOUT_MS \(10000 ms, \d+ attempts\): connect ECONNREFUSED$/);
    expect(h.now()).toBeLessThanOrEqual(10_000);
  });

  it('shows host and port of a URL, never its password', () => {
    expect(hostAndPort('postgres://tthc:s3cret@db.internal:6432/tthc', 5432)).toBe('db.internal:6432');
    expect(hostAndPort('postgres://postgres@127.0.0.1/tthc', 5432)).toBe('127.0.0.1:5432');
  });
});
