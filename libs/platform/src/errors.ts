/**
 * Whether a failure is worth retrying. Following kafkajs' own rule (src/retry): programmer
 * errors are never retried, they crash loudly; so are data errors PostgreSQL reports for a
 * statement that can never succeed. Everything else (a broker or database that is down,
 * a timeout, a lost connection) is transient.
 */
const PROGRAMMER_ERRORS = [TypeError, ReferenceError, RangeError, SyntaxError];
/** SQLSTATE classes that no retry fixes: data exception, integrity violation, syntax/access. */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23', '42']);

export function isRetriable(error: unknown): boolean {
  if (PROGRAMMER_ERRORS.some((cls) => error instanceof cls)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && PERMANENT_SQLSTATE_CLASSES.has(code.slice(0, 2))) {
    return false;
  }
  return true;
}

/** Exponential backoff with full jitter (the AWS architecture blog's recommendation). */
export function backoffMs(attempt: number, initialMs = 200, maxMs = 30_000, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
