import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pipeline's tables. Counters are per unit per local day (PRODUCT.md); dossiers keep each
 * fact's time and deadline so the 766 progress rate and overdue gauges stay computable;
 * consumer_offsets is written in the same transaction as the effects of a batch.
 */
export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE units (
        code          text PRIMARY KEY,
        name          text NOT NULL,
        division_type text NOT NULL,
        province_code text NOT NULL,
        active        boolean NOT NULL DEFAULT true
      )`);

    // Append-only log of accepted events: the source of truth auditors recompute from.
    await q.query(`
      CREATE TABLE raw_events (
        event_id         uuid PRIMARY KEY,
        schema_version   smallint NOT NULL,
        type             text NOT NULL,
        dossier_id       text NOT NULL,
        unit_code        text NOT NULL,
        procedure_code   text NOT NULL,
        occurred_at      timestamptz NOT NULL,
        channel          text,
        due_at           timestamptz NOT NULL,
        source_partition integer NOT NULL,
        source_offset    bigint NOT NULL,
        ingested_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX raw_events_unit_occurred_idx ON raw_events (unit_code, occurred_at)`);

    // Every rejected message, once per source position, with its bytes: nothing is lost.
    await q.query(`
      CREATE TABLE rejected_events (
        source_topic     text NOT NULL,
        source_partition integer NOT NULL,
        source_offset    bigint NOT NULL,
        reason_code      text NOT NULL,
        reason_detail    text NOT NULL,
        message_key      bytea,
        payload          bytea,
        rejected_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_topic, source_partition, source_offset)
      )`);
    await q.query(`CREATE INDEX rejected_events_reason_idx ON rejected_events (reason_code, rejected_at)`);

    await q.query(`
      CREATE TABLE dossiers (
        unit_code          text NOT NULL,
        dossier_id         text NOT NULL,
        procedure_code     text NOT NULL,
        received_at        timestamptz,
        received_event_id  uuid,
        channel            text,
        receipt_due_at     timestamptz,
        resolved_at        timestamptz,
        resolved_event_id  uuid,
        resolution_due_at  timestamptz,
        late_flagged_at    timestamptz,
        late_event_id      uuid,
        late_due_at        timestamptz,
        updated_at         timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (unit_code, dossier_id)
      )`);
    // The overdue gauge only ever looks at open dossiers: keep that index small.
    await q.query(`CREATE INDEX dossiers_open_idx ON dossiers (unit_code) WHERE resolved_at IS NULL`);
    await q.query(`CREATE INDEX dossiers_received_idx ON dossiers (received_at)`);

    await q.query(`
      CREATE TABLE unit_daily_counters (
        unit_code        text NOT NULL,
        day              date NOT NULL,
        received_total   integer NOT NULL DEFAULT 0,
        received_online  integer NOT NULL DEFAULT 0,
        received_direct  integer NOT NULL DEFAULT 0,
        resolved_total   integer NOT NULL DEFAULT 0,
        resolved_on_time integer NOT NULL DEFAULT 0,
        resolved_late    integer NOT NULL DEFAULT 0,
        updated_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (unit_code, day)
      )`);
    await q.query(`CREATE INDEX unit_daily_counters_day_idx ON unit_daily_counters (day)`);

    await q.query(`
      CREATE TABLE consumer_offsets (
        consumer_group text NOT NULL,
        topic          text NOT NULL,
        partition      integer NOT NULL,
        next_offset    bigint NOT NULL,
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, topic, partition)
      )`);

    await q.query(`
      CREATE TABLE alerts (
        id           uuid PRIMARY KEY,
        unit_code    text NOT NULL,
        rule_id      text NOT NULL,
        metric       text NOT NULL,
        state        text NOT NULL,
        target       double precision NOT NULL,
        opened_at    timestamptz NOT NULL,
        resolved_at  timestamptz,
        last_value   double precision,
        sample_size  integer NOT NULL,
        message      text NOT NULL
      )`);
    // One live alert per unit × rule (PRODUCT.md): enforced by the database, not by hope.
    await q.query(`CREATE UNIQUE INDEX alerts_one_live_idx ON alerts (unit_code, rule_id) WHERE state <> 'RESOLVED'`);
    await q.query(`CREATE INDEX alerts_state_idx ON alerts (state, opened_at)`);

    await q.query(`
      CREATE TABLE alert_transitions (
        id          bigserial PRIMARY KEY,
        alert_id    uuid NOT NULL REFERENCES alerts(id),
        from_state  text,
        to_state    text NOT NULL,
        at          timestamptz NOT NULL,
        value       double precision,
        sample_size integer NOT NULL
      )`);
    await q.query(`CREATE INDEX alert_transitions_alert_idx ON alert_transitions (alert_id, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['alert_transitions', 'alerts', 'consumer_offsets', 'unit_daily_counters', 'dossiers', 'rejected_events', 'raw_events', 'units']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
