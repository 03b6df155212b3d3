import type { Logger } from '@tthc/platform';

/**
 * What a consumer does on a programmer error: log it once and end the process with a non-zero
 * code, so the supervisor restarts it and the failure is seen (house style 6). The exit is
 * deferred a tick so the log line is flushed first.
 */
export function exitOnFatal(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): (error: unknown) => void {
  let fired = false;
  return (error) => {
    if (fired) return;
    fired = true;
    logger.fatal({ err: error }, 'consumer stopped by a non-retriable error; exiting');
    setImmediate(() => exit(1));
  };
}
