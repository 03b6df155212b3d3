import type { DeadLetter } from '@tthc/contracts';
import type { DossierEvent } from '@tthc/domain';
import { deadlinePassesIn } from './overdue-rule.sql';
import { type JsonColumn, jsonRecordset, jsonRecordsetColumns, jsonRows } from './json-rows';
import type { Sql } from './sql';

export interface SourcedEvent {
  event: DossierEvent;
  partition: number;
  offset: string;
}

/**
 * The append-only log of accepted events. `appendNewRawEvents` is also the duplicate filter: an eventId
 * already in the log (or twice in the batch) is not inserted and not returned, in one round trip
 * for the whole batch.
 */
const RAW_EVENT_COLUMNS: JsonColumn<SourcedEvent>[] = [
  ['event_id', 'uuid', (b) => b.event.eventId],
  ['schema_version', 'smallint', (b) => b.event.schemaVersion ?? 1],
  ['type', 'text', (b) => b.event.type],
  ['dossier_id', 'text', (b) => b.event.dossierId],
  ['unit_code', 'text', (b) => b.event.unitCode],
  ['procedure_code', 'text', (b) => b.event.procedureCode],
  ['occurred_at', 'timestamptz', (b) => b.event.occurredAt],
  ['channel', 'text', (b) => b.event.channel],
  ['due_at', 'timestamptz', (b) => b.event.dueAt],
  ['source_partition', 'int', (b) => b.partition],
  ['source_offset', 'bigint', (b) => b.offset],
  ['fully_online', 'boolean', (b) => b.event.fullyOnline],
  ['components_digitized', 'boolean', (b) => b.event.componentsDigitized],
  ['result_electronic', 'boolean', (b) => b.event.resultElectronic],
  ['result_digitized', 'boolean', (b) => b.event.resultDigitized],
  ['data_reused', 'boolean', (b) => b.event.dataReused],
  ['payment_method', 'text', (b) => b.event.method],
  ['score', 'smallint', (b) => b.event.score],
];

const APPEND_SQL = `
  INSERT INTO raw_events (${RAW_EVENT_COLUMNS.map(([c]) => c).join(', ')})
  SELECT ${jsonRecordsetColumns(RAW_EVENT_COLUMNS)} FROM ${jsonRecordset(RAW_EVENT_COLUMNS)}
  ON CONFLICT (event_id) DO NOTHING
  RETURNING event_id`;

export async function appendNewRawEvents(sql: Sql, batch: SourcedEvent[]): Promise<Set<string>> {
  if (batch.length === 0) return new Set();
  const rows: { event_id: string }[] = await sql.query(APPEND_SQL, [jsonRows(RAW_EVENT_COLUMNS, batch)]);
  return new Set(rows.map((r) => r.event_id));
}

/** Records rejected messages once per source position; returns the positions newly recorded. */
export async function recordNewRejections(sql: Sql, rejected: DeadLetter[]): Promise<Set<string>> {
  if (rejected.length === 0) return new Set();
  const rows: { source_partition: number; source_offset: string }[] = await sql.query(
    `INSERT INTO rejected_events (source_topic, source_partition, source_offset, reason_code, reason_detail, message_key, payload,
                                  error_source, error_code)
     SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::bytea[], $7::bytea[], $8::text[], $9::text[])
     ON CONFLICT DO NOTHING
     RETURNING source_partition, source_offset`,
    [
      rejected.map((r) => r.topic),
      rejected.map((r) => r.partition),
      rejected.map((r) => r.offset),
      rejected.map((r) => r.rejection.code),
      rejected.map((r) => r.rejection.detail),
      rejected.map((r) => r.key),
      rejected.map((r) => r.payload),
      rejected.map((r) => r.storageError?.source ?? null),
      rejected.map((r) => r.storageError?.code ?? null),
    ],
  );
  return new Set(rows.map((r) => `${r.source_partition}:${r.source_offset}`));
}

/** Units with a raw event in [fromMs, toMs), or a deadline passing in it. */
export async function unitsWithEventsBetween(sql: Sql, fromMs: number, toMs: number, unitCodes?: string[]): Promise<string[]> {
  const rows: { unit_code: string }[] = await sql.query(
    `SELECT unit_code FROM raw_events WHERE occurred_at >= $1 AND occurred_at < $2 ${unitCodes ? 'AND unit_code = ANY($3::text[])' : ''}
     UNION
     SELECT unit_code FROM raw_events WHERE ${deadlinePassesIn('$1', '$2')} ${unitCodes ? 'AND unit_code = ANY($3::text[])' : ''}`,
    unitCodes ? [new Date(fromMs), new Date(toMs), unitCodes] : [new Date(fromMs), new Date(toMs)],
  );
  return rows.map((r) => r.unit_code);
}

/**
 * Every raw event of every dossier of `unitCode` that has an event in [fromMs, toMs) or whose
 * deadline passes in it: the dossiers a period's day rows can come from (counters and gauge
 * changes), with their whole history. One statement, so one consistent snapshot of the log.
 */
export async function rawEventsOfDossiersActiveBetween(sql: Sql, unitCode: string, fromMs: number, toMs: number): Promise<DossierEvent[]> {
  const rows: {
    event_id: string;
    type: DossierEvent['type'];
    schema_version: number;
    dossier_id: string;
    unit_code: string;
    procedure_code: string;
    occurred_at: Date;
    channel: DossierEvent['channel'] | null;
    due_at: Date;
    fully_online: boolean | null;
    components_digitized: boolean | null;
    result_electronic: boolean | null;
    result_digitized: boolean | null;
    data_reused: boolean | null;
    payment_method: DossierEvent['method'] | null;
    score: number | null;
  }[] = await sql.query(
    `SELECT event_id, type, schema_version, dossier_id, unit_code, procedure_code, occurred_at, channel, due_at,
            fully_online, components_digitized, result_electronic, result_digitized, data_reused, payment_method, score
       FROM raw_events
      WHERE unit_code = $1
        AND dossier_id IN (SELECT dossier_id FROM raw_events WHERE unit_code = $1 AND occurred_at >= $2 AND occurred_at < $3
                           UNION
                           SELECT dossier_id FROM raw_events WHERE unit_code = $1 AND ${deadlinePassesIn('$2', '$3')})`,
    [unitCode, new Date(fromMs), new Date(toMs)],
  );
  return rows.map((r) => {
    const e: DossierEvent = {
      eventId: r.event_id,
      type: r.type,
      dossierId: r.dossier_id,
      unitCode: r.unit_code,
      procedureCode: r.procedure_code,
      occurredAt: r.occurred_at.getTime(),
      channel: r.channel ?? undefined,
      dueAt: r.due_at.getTime(),
    };
    // The v2 fields back as ingest decoded them: only a v2 event's, only its type's.
    if (Number(r.schema_version) === 2) {
      e.schemaVersion = 2;
      if (r.fully_online !== null) e.fullyOnline = r.fully_online;
      if (r.components_digitized !== null) e.componentsDigitized = r.components_digitized;
      if (r.result_electronic !== null) e.resultElectronic = r.result_electronic;
      if (r.result_digitized !== null) e.resultDigitized = r.result_digitized;
      if (r.data_reused !== null) e.dataReused = r.data_reused;
      if (r.payment_method !== null) e.method = r.payment_method;
      if (r.score !== null) e.score = Number(r.score);
    }
    return e;
  });
}
