import { DatabaseError } from 'pg';
import { backoffMs, classifyFailure, type FailureKind } from './errors';

// kafkajs' own error classes and its protocol-code table, so the test sees what a producer throws.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkaErrors = require('kafkajs/src/errors');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createErrorFromCode } = require('kafkajs/src/protocol/error');

const pgError = (code: string) => Object.assign(new DatabaseError('refused', 0, 'error'), { code });
/** How kafkajs' retrier surfaces a broker answer it will not retry. */
const kafkaGaveUp = (protocolCode: number) => {
  const e = createErrorFromCode(protocolCode);
  return new kafkaErrors.KafkaJSNonRetriableError(e, { cause: e });
};

describe('classifyFailure', () => {
  it.each<[string, unknown, FailureKind, string | undefined]>([
    ['a TypeError (programmer error)', new TypeError('x is undefined'), 'fatal', undefined],
    ['a RangeError (programmer error)', new RangeError('Invalid time value'), 'fatal', undefined],
    ['NUL in text (22021)', pgError('22021'), 'data', '22021'],
    ['a timestamp out of range (22008)', pgError('22008'), 'data', '22008'],
    ['a value too long (22001)', pgError('22001'), 'data', '22001'],
    ['a check constraint (23514)', pgError('23514'), 'data', '23514'],
    ['a unique violation (23505)', pgError('23505'), 'data', '23505'],
    ['an index row too large (54000)', pgError('54000'), 'data', '54000'],
    ['a syntax error in SQL (42601)', pgError('42601'), 'fatal', '42601'],
    ['a missing table (42P01)', pgError('42P01'), 'fatal', '42P01'],
    ['a lost connection (08006)', pgError('08006'), 'transient', '08006'],
    ['a serialization failure (40001)', pgError('40001'), 'transient', '40001'],
    ['a deadlock between two batches (40P01)', pgError('40P01'), 'transient', '40P01'],
    ['a statement timeout (57014)', pgError('57014'), 'transient', '57014'],
    ['a lock timeout (55P03)', pgError('55P03'), 'transient', '55P03'],
    ['a server shutting down (57P01)', pgError('57P01'), 'transient', '57P01'],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'transient', undefined],
    ['kafka: a record too large (10)', kafkaGaveUp(10), 'data', 'MESSAGE_TOO_LARGE'],
    ['kafka: a record list too large (18)', kafkaGaveUp(18), 'data', 'RECORD_LIST_TOO_LARGE'],
    ['kafka: an invalid record (87)', kafkaGaveUp(87), 'data', 'INVALID_RECORD'],
    ['kafka: not authorised for the topic (29), not about a record', kafkaGaveUp(29), 'fatal', 'TOPIC_AUTHORIZATION_FAILED'],
    ['kafka: leader not available (5), retriable', createErrorFromCode(5), 'transient', undefined],
    ['kafka: a lost connection', new kafkaErrors.KafkaJSConnectionError('Connection error'), 'transient', undefined],
    [
      'kafka: retries exhausted while the broker is down (marked non-retriable, but infrastructure)',
      new kafkaErrors.KafkaJSNumberOfRetriesExceeded(new kafkaErrors.KafkaJSConnectionError('Connection error'), { retryCount: 5, retryTime: 1000 }),
      'transient',
      undefined,
    ],
  ])('%s → %s', (_name, error, kind, code) => {
    const failure = classifyFailure(error);
    expect(failure.kind).toBe(kind);
    expect(failure.code).toBe(code);
  });
});

describe('backoffMs', () => {
  it('grows exponentially, stays within [ceiling/2, ceiling] and never exceeds the cap', () => {
    expect(backoffMs(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffMs(20, 100, 10_000, () => 0)).toBe(5_000);
  });
});
