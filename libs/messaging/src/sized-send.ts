import type { Message, Producer } from 'kafkajs';

export interface TopicBatch {
  topic: string;
  messages: Message[];
}

/**
 * Per-record framing in a v2 record batch (length, attributes, deltas, varints) plus a margin,
 * and the batch header (61 bytes): enough that a chunk counted below the limit is below it on the
 * wire too.
 */
const RECORD_OVERHEAD = 64;
const BATCH_OVERHEAD = 128;

const size = (v: Message['value'] | Message['key'] | string): number => (v === null || v === undefined ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);

/** The bytes one record takes in a produce request. */
export function recordBytes(m: Message): number {
  let n = RECORD_OVERHEAD + size(m.key) + size(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {})) n += Buffer.byteLength(k) + (Array.isArray(v) ? v.reduce((s, x) => s + size(x), 0) : size(v)) + 8;
  return n;
}

/**
 * Splits sends into requests below `maxBytes`, keeping each topic's order. The broker refuses a
 * partition's record batch over `message.max.bytes` (1,048,588 by default) and kafkajs does not
 * split one, so a burst of large records in one `sendBatch` would fail as a whole.
 */
export function chunkBySize(batches: TopicBatch[], maxBytes: number): TopicBatch[][] {
  const chunks: TopicBatch[][] = [];
  let current: TopicBatch[] = [];
  let bytes = BATCH_OVERHEAD;
  for (const { topic, messages } of batches) {
    for (const m of messages) {
      const n = recordBytes(m);
      if (bytes + n > maxBytes && bytes > BATCH_OVERHEAD) {
        chunks.push(current);
        current = [];
        bytes = BATCH_OVERHEAD;
      }
      const last = current[current.length - 1];
      if (last?.topic === topic) last.messages.push(m);
      else current.push({ topic, messages: [m] });
      bytes += n;
    }
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** Sends every message, acknowledged by all in-sync replicas, one request below `maxBytes` at a time. */
export async function sendSized(producer: Producer, batches: TopicBatch[], maxBytes: number): Promise<void> {
  for (const chunk of chunkBySize(batches, maxBytes)) {
    await producer.sendBatch({ topicMessages: chunk, acks: -1 });
  }
}

export const TRUNCATION_HEADERS = {
  truncated: 'dlq.truncated',
  originalValueBytes: 'dlq.original.value.bytes',
  originalKeyBytes: 'dlq.original.key.bytes',
} as const;

/** A key longer than this is cut in a dead letter: keys are for partitioning, not payload. */
const MAX_DEAD_LETTER_KEY_BYTES = 1024;

/**
 * A dead letter that fits in one request below `maxBytes`: as it is when it fits, otherwise with
 * its key and value cut and headers saying so and giving the original sizes. The full original
 * stays in PostgreSQL (`rejected_events.payload`), so nothing is lost by cutting the copy.
 */
export function fitDeadLetter(m: Message, maxBytes: number): Message {
  if (recordBytes(m) + BATCH_OVERHEAD <= maxBytes) return m;
  const key = m.key === null || m.key === undefined ? m.key : Buffer.from(m.key);
  const value = m.value === null || m.value === undefined ? null : Buffer.from(m.value);
  const headers: Record<string, string> = { ...(m.headers as Record<string, string>), [TRUNCATION_HEADERS.truncated]: 'true' };
  let keptKey = key;
  if (key && key.length > MAX_DEAD_LETTER_KEY_BYTES) {
    headers[TRUNCATION_HEADERS.originalKeyBytes] = String(key.length);
    keptKey = key.subarray(0, MAX_DEAD_LETTER_KEY_BYTES);
  }
  if (value) headers[TRUNCATION_HEADERS.originalValueBytes] = String(value.length);
  const fitted: Message = { ...m, key: keptKey, value: null, headers };
  const room = Math.max(0, maxBytes - BATCH_OVERHEAD - recordBytes(fitted));
  fitted.value = value ? value.subarray(0, Math.min(value.length, room)) : null;
  return fitted;
}
