import type { MigrationInterface, QueryRunner } from 'typeorm';
import { BACKFILL_INDICATORS_FROM_DOSSIERS, INDICATOR_COLUMNS } from '../indicator-facts.sql';

/**
 * Event contract v2 and the 766 indicators (issue 15).
 *
 * - `unit_procedure_daily_indicators`: libs/domain `IndicatorCounts` per (unit, procedure, local
 *   day), every column additive (bigint: `handling_ms_sum` is a sum of milliseconds). Backfilled
 *   from `dossiers`, so the v1 facts already folded are there from the first query.
 * - `raw_events`: the v2 fields, null on a v1 event (the log stays the auditor's source of truth).
 * - `dossiers`: the v2 facts (each the winning event's instant, id and deadline, like the v1
 *   ones) and the event the procedure code came from.
 *
 * Only columns and a table are added; nothing v1 writes or reads changes meaning.
 */
export class Indicators7661764700000000 implements MigrationInterface {
  name = 'Indicators7661764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE raw_events
        ADD COLUMN fully_online         boolean,
        ADD COLUMN components_digitized boolean,
        ADD COLUMN result_electronic    boolean,
        ADD COLUMN result_digitized     boolean,
        ADD COLUMN data_reused          boolean,
        ADD COLUMN payment_method       text,
        ADD COLUMN score                smallint`);
    const fact = (name: string) => `ADD COLUMN ${name}_at timestamptz, ADD COLUMN ${name}_event_id uuid, ADD COLUMN ${name}_due_at timestamptz`;
    await q.query(`
      ALTER TABLE dossiers
        ADD COLUMN procedure_event_id     uuid,
        ADD COLUMN procedure_at           timestamptz,
        ADD COLUMN procedure_from_receipt boolean,
        ADD COLUMN fully_online           boolean,
        ADD COLUMN components_digitized   boolean,
        ADD COLUMN result_electronic      boolean,
        ADD COLUMN result_digitized       boolean,
        ADD COLUMN data_reused            boolean,
        ${fact('paid')}, ADD COLUMN payment_method text,
        ${fact('rated')}, ADD COLUMN score smallint,
        ${fact('feedback')},
        ADD COLUMN feedback_resolved_at timestamptz, ADD COLUMN feedback_resolved_event_id uuid, ADD COLUMN feedback_resolution_due_at timestamptz,
        ${fact('withdrawn')}`);
    await q.query(`
      CREATE TABLE unit_procedure_daily_indicators (
        unit_code      text NOT NULL,
        procedure_code text NOT NULL,
        day            date NOT NULL,
        ${INDICATOR_COLUMNS.map((c) => `${c} bigint NOT NULL DEFAULT 0`).join(',\n        ')},
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (unit_code, procedure_code, day)
      )`);
    // Period sums scan by day (all units), by procedure (catalogue views) or by unit (the primary key).
    await q.query(`CREATE INDEX unit_procedure_daily_indicators_day_idx ON unit_procedure_daily_indicators (day)`);
    await q.query(`CREATE INDEX unit_procedure_daily_indicators_procedure_idx ON unit_procedure_daily_indicators (procedure_code, day)`);
    await q.query(BACKFILL_INDICATORS_FROM_DOSSIERS);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS unit_procedure_daily_indicators`);
    const fact = (name: string) => `DROP COLUMN ${name}_at, DROP COLUMN ${name}_event_id, DROP COLUMN ${name}_due_at`;
    await q.query(`
      ALTER TABLE dossiers
        DROP COLUMN procedure_event_id, DROP COLUMN procedure_at, DROP COLUMN procedure_from_receipt,
        DROP COLUMN fully_online, DROP COLUMN components_digitized,
        DROP COLUMN result_electronic, DROP COLUMN result_digitized, DROP COLUMN data_reused,
        ${fact('paid')}, DROP COLUMN payment_method, ${fact('rated')}, DROP COLUMN score, ${fact('feedback')},
        DROP COLUMN feedback_resolved_at, DROP COLUMN feedback_resolved_event_id, DROP COLUMN feedback_resolution_due_at,
        ${fact('withdrawn')}`);
    await q.query(`
      ALTER TABLE raw_events
        DROP COLUMN fully_online, DROP COLUMN components_digitized, DROP COLUMN result_electronic,
        DROP COLUMN result_digitized, DROP COLUMN data_reused, DROP COLUMN payment_method, DROP COLUMN score`);
  }
}
