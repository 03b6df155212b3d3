import type { Rejection } from '@tthc/domain';

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
} as const;

export interface SourcePosition {
  topic: string;
  partition: number;
  offset: string;
}

export function dlqHeaders(rejection: Rejection, source: SourcePosition, rejectedAt: Date): Record<string, string> {
  return {
    [DLQ_HEADERS.reasonCode]: rejection.code,
    [DLQ_HEADERS.reasonDetail]: rejection.detail,
    [DLQ_HEADERS.sourceTopic]: source.topic,
    [DLQ_HEADERS.sourcePartition]: String(source.partition),
    [DLQ_HEADERS.sourceOffset]: source.offset,
    [DLQ_HEADERS.rejectedAt]: rejectedAt.toISOString(),
  };
}
