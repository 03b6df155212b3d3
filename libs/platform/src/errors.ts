/**
 * What a failed batch tells the consumer to do with it:
 * - `transient`: the infrastructure is unwell (a database or broker down, a timeout, a lost
 *   connection, a lock or serialization conflict: SQLSTATE class 40, 40001 and the 40P01 deadlock
 *   PostgreSQL resolves by aborting one of two concurrent batches). The same batch is retried
 *   with backoff, for as long as it takes.
 * - `data`: storage refused something in the batch (PostgreSQL data or integrity error, a record
 *   the broker refuses). Retrying can never succeed; the batch is split until the offending
 *   records stand alone, and those are dead-lettered (issue 9: a worker never dies of data).
 * - `fatal`: a programmer or deployment error (TypeError, SQL that does not parse, a missing
 *   table, an error kafkajs itself will not retry and which is not about a record). The process
 *   stops loudly so a supervisor restarts it and someone looks (house style 6).
 */
export type FailureKind = 'transient' | 'data' | 'fatal';

export interface Failure {
  kind: FailureKind;
  /** The storage's own code: a PostgreSQL SQLSTATE (`22021`) or a Kafka error type (`MESSAGE_TOO_LARGE`). */
  code?: string;
  /** Which system said so. */
  source?: 'postgresql' | 'kafka';
  message: string;
}

const PROGRAMMER_ERRORS = ['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError'];

/** SQLSTATE classes that are about the rows sent: data exception, integrity violation, program limit (e.g. an index row too large). */
const DATA_SQLSTATE_CLASSES = new Set(['22', '23', '54']);
/** SQLSTATE classes no retry fixes and no row caused: syntax or access rule violation (a bug or a missing migration). */
const FATAL_SQLSTATE_CLASSES = new Set(['42']);

/**
 * Kafka errors about the records of a produce request rather than the cluster (Kafka protocol
 * error codes 2, 10, 18, 32, 87). kafkajs marks most of them non-retriable; they are data.
 */
const KAFKA_RECORD_ERRORS = new Set(['CORRUPT_MESSAGE', 'MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_TIMESTAMP', 'INVALID_RECORD']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  type?: unknown;
  retriable?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

/** The error and its causes, outermost first (kafkajs wraps the broker's answer in retry errors). */
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let e: unknown = error;
  while (typeof e === 'object' && e !== null && chain.length < 8 && !chain.includes(e)) {
    chain.push(e);
    e = (e as ErrorLike).cause ?? (e as ErrorLike).originalError;
  }
  return chain;
}

const isSqlState = (code: unknown): code is string => typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);

export function classifyFailure(error: unknown): Failure {
  const message = String((error as ErrorLike | null)?.message ?? error);
  const chain = causeChain(error);
  for (const e of chain) {
    if (typeof e.type === 'string' && KAFKA_RECORD_ERRORS.has(e.type)) return { kind: 'data', code: e.type, source: 'kafka', message };
    if (isSqlState(e.code)) {
      const cls = e.code.slice(0, 2);
      if (DATA_SQLSTATE_CLASSES.has(cls)) return { kind: 'data', code: e.code, source: 'postgresql', message };
      if (FATAL_SQLSTATE_CLASSES.has(cls)) return { kind: 'fatal', code: e.code, source: 'postgresql', message };
      return { kind: 'transient', code: e.code, source: 'postgresql', message };
    }
  }
  const outer = chain[0];
  if (outer && typeof outer.name === 'string' && PROGRAMMER_ERRORS.includes(outer.name)) return { kind: 'fatal', message };
  // kafkajs gives up on a retriable operation with KafkaJSNumberOfRetriesExceeded, itself marked
  // non-retriable: the operation was retriable, the broker is just still away.
  if (chain.some((e) => e.name === 'KafkaJSNumberOfRetriesExceeded')) return { kind: 'transient', source: 'kafka', message };
  if (chain.some((e) => e.retriable === false)) {
    const type = chain.map((e) => e.type).find((t): t is string => typeof t === 'string');
    return { kind: 'fatal', code: type, source: 'kafka', message };
  }
  return { kind: 'transient', message };
}

/** Exponential backoff with full jitter (the AWS architecture blog's recommendation). */
export function backoffMs(attempt: number, initialMs = 200, maxMs = 30_000, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
