import { type Rejection, rejection } from '@tthc/domain';

/**
 * A DLQ record keeps the original key and bytes as its key and value, untouched, and says
 * why and where from in headers (the convention Kafka Connect uses for its dead-letter
 * queues), so a fixed event can be re-produced as it was.
 */
export const DLQ_HEADERS = {
  reasonCode: 'dlq.reason.code',
  reasonDetail: 'dlq.reason.detail',
  sourceTopic: 'dlq.source.topic',
  sourcePartition: 'dlq.source.partition',
  sourceOffset: 'dlq.source.offset',
  rejectedAt: 'dlq.rejected.at',
  /** For STORAGE_REJECTED: which store refused (`postgresql` or `kafka`) and its own error code (SQLSTATE or Kafka error type). */
  errorSource: 'dlq.error.source',
  errorCode: 'dlq.error.code',
} as const;

export interface SourcePosition {
  topic: string;
  partition: number;
  offset: string;
}

/** A message taken out of the stream: where it came from, why, and its original key and bytes. */
export interface DeadLetter extends SourcePosition {
  rejection: Rejection;
  key: Buffer | null;
  payload: Buffer | null;
  /** Set when storage, not validation, refused it. */
  storageError?: { source: string; code?: string };
}

export function dlqHeaders(d: DeadLetter, rejectedAt: Date): Record<string, string> {
  const headers: Record<string, string> = {
    [DLQ_HEADERS.reasonCode]: d.rejection.code,
    [DLQ_HEADERS.reasonDetail]: d.rejection.detail,
    [DLQ_HEADERS.sourceTopic]: d.topic,
    [DLQ_HEADERS.sourcePartition]: String(d.partition),
    [DLQ_HEADERS.sourceOffset]: d.offset,
    [DLQ_HEADERS.rejectedAt]: rejectedAt.toISOString(),
  };
  if (d.storageError) {
    headers[DLQ_HEADERS.errorSource] = d.storageError.source;
    if (d.storageError.code) headers[DLQ_HEADERS.errorCode] = d.storageError.code;
  }
  return headers;
}

/** The DLQ topic's record for a dead letter (before any size fitting). */
export function deadLetterMessage(d: DeadLetter, rejectedAt: Date): { key: Buffer | null; value: Buffer | null; headers: Record<string, string> } {
  return { key: d.key, value: d.payload, headers: dlqHeaders(d, rejectedAt) };
}

/** What a storage failure says about one message, as the reason its dead letter carries. */
export function storageRejection(failure: { source?: string; code?: string; message: string }): Pick<DeadLetter, 'rejection' | 'storageError'> {
  const source = failure.source ?? 'storage';
  const by = source === 'postgresql' ? 'PostgreSQL' : source === 'kafka' ? 'Kafka' : 'storage';
  return {
    rejection: rejection('STORAGE_REJECTED', `${by}${failure.code ? ` ${failure.code}` : ''}: ${failure.message}`),
    storageError: { source, code: failure.code },
  };
}
