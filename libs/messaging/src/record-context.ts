/** Where a record sits and which event it carries, for a log line about that record. */
export interface RecordContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  eventId?: string;
  dossierId?: string;
}

/** Larger values are not parsed for their ids: a log line must not cost a big JSON parse. */
const MAX_PARSED_BYTES = 64 * 1024;
const MAX_ID_CHARS = 128;

const idOf = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v.slice(0, MAX_ID_CHARS) : undefined);

/**
 * The identity of one record for a log line (issue 13: `eventId`, `dossierId`, topic, partition
 * and offset on pipeline errors). The ids are read best-effort from a JSON value: a record that is
 * not JSON, or has no such fields, is still named by its position and key.
 */
export function recordContext(topic: string, partition: number, m: { offset: string; key?: Buffer | string | null; value?: Buffer | string | null }): RecordContext {
  const key = m.key?.toString().slice(0, MAX_ID_CHARS) ?? null;
  const out: RecordContext = { topic, partition, offset: m.offset, key };
  if (m.value === null || m.value === undefined || m.value.length > MAX_PARSED_BYTES) return out;
  try {
    const parsed = JSON.parse(m.value.toString()) as Record<string, unknown> | null;
    if (parsed && typeof parsed === 'object') {
      const eventId = idOf(parsed.eventId);
      const dossierId = idOf(parsed.dossierId);
      if (eventId) out.eventId = eventId;
      if (dossierId) out.dossierId = dossierId;
    }
  } catch {
    // Not JSON: the position and key are all there is.
  }
  return out;
}
