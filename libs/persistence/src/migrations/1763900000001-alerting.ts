import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerting operators can trust (issue 3): the full lifecycle (PENDING → OPEN → ACKNOWLEDGED →
 * RESOLVED) on the alerts table, every transition with the figures and window behind it,
 * silences, the rules in force, and the webhook outbox written in the same transaction as the
 * transition it delivers. The partial unique index "one live alert per unit × rule" stays.
 */
export class Alerting1763900000001 implements MigrationInterface {
  name = 'Alerting1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE alerts
        ALTER COLUMN opened_at DROP NOT NULL,
        ADD COLUMN unit_name       text,
        ADD COLUMN scope           text NOT NULL DEFAULT 'unit',
        ADD COLUMN comparison      text NOT NULL DEFAULT 'below',
        ADD COLUMN severity        text NOT NULL DEFAULT 'warning',
        ADD COLUMN window_name     text NOT NULL DEFAULT 'rolling30d',
        ADD COLUMN window_from     date,
        ADD COLUMN window_to       date,
        ADD COLUMN started_at      timestamptz,
        ADD COLUMN acknowledged_at timestamptz,
        ADD COLUMN acknowledged_by text,
        ADD COLUMN ack_note        text,
        ADD COLUMN step_gap        double precision,
        ADD COLUMN gap_at_open     double precision,
        ADD COLUMN last_gap        double precision,
        ADD COLUMN unnotified      boolean NOT NULL DEFAULT false,
        ADD COLUMN silenced        boolean NOT NULL DEFAULT false,
        ADD COLUMN evaluated_at    timestamptz`);
    // The official name as it was when the alert was raised: names change with mergers, audits need the old one.
    await q.query(`UPDATE alerts a SET started_at = opened_at, last_gap = target - last_value,
                          unit_name = COALESCE((SELECT name FROM units u WHERE u.code = a.unit_code), a.unit_code)`);
    await q.query(`ALTER TABLE alerts ALTER COLUMN unit_name SET NOT NULL`);
    await q.query(`ALTER TABLE alerts ALTER COLUMN started_at SET NOT NULL`);
    await q.query(`ALTER TABLE alerts ADD CONSTRAINT alerts_state_check CHECK (state IN ('PENDING', 'OPEN', 'ACKNOWLEDGED', 'RESOLVED'))`);
    await q.query(`ALTER TABLE alerts ADD CONSTRAINT alerts_severity_check CHECK (severity IN ('info', 'warning', 'critical'))`);
    await q.query(`CREATE INDEX alerts_unit_idx ON alerts (unit_code, started_at)`);
    await q.query(`CREATE INDEX alerts_rule_idx ON alerts (rule_id, started_at)`);

    await q.query(`
      ALTER TABLE alert_transitions
        ADD COLUMN kind         text,
        ADD COLUMN target       double precision,
        ADD COLUMN gap          double precision,
        ADD COLUMN window_from  date,
        ADD COLUMN window_to    date,
        ADD COLUMN silenced     boolean NOT NULL DEFAULT false,
        ADD COLUMN notify       boolean NOT NULL DEFAULT true,
        ADD COLUMN actor        text,
        ADD COLUMN note         text,
        ADD COLUMN message      text,
        ADD COLUMN published_at timestamptz`);
    await q.query(`
      UPDATE alert_transitions t SET kind = CASE t.to_state WHEN 'OPEN' THEN 'FIRED' ELSE t.to_state END,
             target = a.target, message = a.message, published_at = t.at
        FROM alerts a WHERE a.id = t.alert_id`);
    await q.query(`ALTER TABLE alert_transitions ALTER COLUMN kind SET NOT NULL`);
    // Transitions an API instance wrote (acknowledgements) wait here for the notifier to publish them.
    await q.query(`CREATE INDEX alert_transitions_unpublished_idx ON alert_transitions (id) WHERE published_at IS NULL`);

    await q.query(`
      CREATE TABLE alert_rules (
        id          text PRIMARY KEY,
        definition  jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE alert_silences (
        id          uuid PRIMARY KEY,
        unit_code   text,
        rule_id     text,
        starts_at   timestamptz NOT NULL,
        ends_at     timestamptz NOT NULL,
        reason      text NOT NULL,
        created_by  text NOT NULL,
        created_at  timestamptz NOT NULL,
        expired_at  timestamptz,
        expired_by  text,
        CHECK (unit_code IS NOT NULL OR rule_id IS NOT NULL),
        CHECK (ends_at > starts_at)
      )`);
    await q.query(`CREATE INDEX alert_silences_ends_idx ON alert_silences (ends_at)`);

    // The webhook outbox: one row per transition × URL, written with the transition, drained by
    // the notifier's delivery worker; DEAD is the dead-letter record after the last failed try.
    await q.query(`
      CREATE TABLE alert_deliveries (
        id              bigserial PRIMARY KEY,
        transition_id   bigint NOT NULL REFERENCES alert_transitions(id),
        url             text NOT NULL,
        body            text NOT NULL,
        state           text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD')),
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_status     integer,
        last_error      text,
        delivered_at    timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (transition_id, url)
      )`);
    await q.query(`CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (next_attempt_at) WHERE state = 'PENDING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS alert_deliveries`);
    await q.query(`DROP TABLE IF EXISTS alert_silences`);
    await q.query(`DROP TABLE IF EXISTS alert_rules`);
    await q.query(`DROP INDEX IF EXISTS alert_transitions_unpublished_idx`);
    await q.query(`
      ALTER TABLE alert_transitions DROP COLUMN kind, DROP COLUMN target, DROP COLUMN gap, DROP COLUMN window_from,
        DROP COLUMN window_to, DROP COLUMN silenced, DROP COLUMN notify, DROP COLUMN actor, DROP COLUMN note,
        DROP COLUMN message, DROP COLUMN published_at`);
    await q.query(`DROP INDEX IF EXISTS alerts_unit_idx`);
    await q.query(`DROP INDEX IF EXISTS alerts_rule_idx`);
    await q.query(`ALTER TABLE alerts DROP CONSTRAINT alerts_state_check, DROP CONSTRAINT alerts_severity_check`);
    await q.query(`DELETE FROM alert_transitions WHERE alert_id IN (SELECT id FROM alerts WHERE opened_at IS NULL)`);
    await q.query(`DELETE FROM alerts WHERE opened_at IS NULL`);
    await q.query(`
      ALTER TABLE alerts ALTER COLUMN opened_at SET NOT NULL,
        DROP COLUMN unit_name, DROP COLUMN scope, DROP COLUMN comparison, DROP COLUMN severity, DROP COLUMN window_name, DROP COLUMN window_from,
        DROP COLUMN window_to, DROP COLUMN started_at, DROP COLUMN acknowledged_at, DROP COLUMN acknowledged_by,
        DROP COLUMN ack_note, DROP COLUMN step_gap, DROP COLUMN gap_at_open, DROP COLUMN last_gap, DROP COLUMN unnotified,
        DROP COLUMN silenced, DROP COLUMN evaluated_at`);
  }
}
