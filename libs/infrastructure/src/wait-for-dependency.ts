import { type Logger, backoffMs, sleep } from '@tthc/platform';

/** A dependency that did not answer within STARTUP_TIMEOUT_MS: the app exits 1 with this message. */
export class StartupTimeoutError extends Error {
  override readonly name = 'StartupTimeoutError';
}

export interface WaitOptions {
  /** What is awaited and where, as the log line says it: `Kafka`, `127.0.0.1:9092`. */
  what: string;
  where: string;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
  pause?: (ms: number) => Promise<void>;
}

/**
 * Start-up in any order (issue 11): a worker started before its broker or database (a node
 * reboot, `docker compose up`, a cluster brought back after an outage) waits for it, retrying
 * `attempt` with backoff and one line per try — "waiting for Kafka at host:port (attempt n)" —
 * instead of crashing into a restart loop. Bounded: past `timeoutMs` it gives up with an error
 * naming the dependency, and the process exits 1 for its supervisor.
 */
export async function waitForDependency<T>(attempt: () => Promise<T>, o: WaitOptions): Promise<T> {
  const now = o.now ?? Date.now;
  const pause = o.pause ?? sleep;
  const deadline = now() + o.timeoutMs;
  for (let n = 1; ; n++) {
    try {
      const result = await attempt();
      if (n > 1) o.logger.info({ dependency: o.what, at: o.where, attempts: n }, `${o.what} at ${o.where} is reachable`);
      return result;
    } catch (error) {
      const wait = backoffMs(n - 1, 500, 5_000);
      if (now() + wait > deadline) {
        throw new StartupTimeoutError(`${o.what} at ${o.where} did not answer within STARTUP_TIMEOUT_MS (${o.timeoutMs} ms, ${n} attempts): ${(error as Error)?.message ?? error}`);
      }
      o.logger.warn({ dependency: o.what, at: o.where, attempt: n, retryInMs: wait, err: error }, `waiting for ${o.what} at ${o.where} (attempt ${n})`);
      await pause(wait);
    }
  }
}

/** `host:port` of a connection URL, without user or password, for the log line. */
export function hostAndPort(url: string, defaultPort: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || defaultPort}`;
  } catch {
    return 'the configured address';
  }
}
