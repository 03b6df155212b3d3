import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from '@tthc/platform';

/**
 * SIGTERM or SIGINT (Kubernetes, systemd, Ctrl-C): the worker stops taking batches, lets the batch
 * in hand finish — its transaction commits with its stored offset, or ingest's with its raw-log
 * rows — closes its connections and exits 0. Past `timeoutMs` it exits 1 without waiting any
 * longer (a handler stuck on a lock, a send to a broker that is away): the transaction still open
 * is rolled back by PostgreSQL when the connection drops, so the abandoned batch leaves nothing
 * half-applied and is fetched again from the stored (or committed) offset by the next instance.
 * A second signal exits at once, the same way. The exit is deferred a tick so the log lines are out.
 */
export function stopOnSignals(
  app: INestApplicationContext,
  logger: Logger,
  timeoutMs: number,
  exit: (code: number) => void = (code) => process.exit(code),
  signals: Pick<NodeJS.EventEmitter, 'on'> = process,
): void {
  let stopping = false;
  const leave = (code: number) => setImmediate(() => exit(code));
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while shutting down: exiting now; the batch in hand is rolled back');
      return leave(1);
    }
    stopping = true;
    const started = Date.now();
    logger.info({ signal, timeoutMs }, 'shutting down: no new batches; finishing the batch in hand');
    const timer = setTimeout(() => {
      logger.error({ signal, timeoutMs }, 'shutdown did not finish within SHUTDOWN_TIMEOUT_MS: exiting; the batch in hand is rolled back and read again on restart');
      leave(1);
    }, timeoutMs);
    app.close().then(
      () => {
        clearTimeout(timer);
        logger.info({ signal, ms: Date.now() - started }, 'shut down cleanly');
        leave(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.error({ err: error, signal }, 'shutdown failed: exiting');
        leave(1);
      },
    );
  };
  signals.on('SIGTERM', onSignal);
  signals.on('SIGINT', onSignal);
}
