import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Grouped notifications (issue 15): webhook receivers get one message per rule per interval,
 * listing the units that newly breached, worsened, recovered or were acknowledged, instead of one
 * per transition. A notification is built from the log, and the transitions it covers point to
 * it (`notification_id`), written in the transaction that writes the notification and queues its
 * deliveries: a crash leaves either all three or none, so no unit is lost or notified twice.
 *
 * - `recorded_at`: when the transition was written, on the database clock — group_wait and
 *   group_interval count real time, whatever business clock the rules evaluate against.
 * - `notified_singly`: transitions from before this migration that the outbox already queued as
 *   deliveries of their own; they are not grouped again. Unpublished ones are left to grouping.
 * - deliveries belong to a notification (new) or, for the rows queued before, to a transition.
 */
export class GroupedNotifications1764600000200 implements MigrationInterface {
  name = 'GroupedNotifications1764600000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_notifications (
        id            bigserial PRIMARY KEY,
        rule_id       text NOT NULL,
        sequence      integer NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        units         integer NOT NULL,
        fired         integer NOT NULL,
        worsened      integer NOT NULL,
        resolved      integer NOT NULL,
        acknowledged  integer NOT NULL,
        continues     boolean NOT NULL DEFAULT false,
        body          text NOT NULL,
        UNIQUE (rule_id, sequence)
      )`);
    await q.query(`
      ALTER TABLE alert_transitions
        ADD COLUMN recorded_at     timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN notification_id bigint REFERENCES alert_notifications(id),
        ADD COLUMN notified_singly boolean NOT NULL DEFAULT false`);
    await q.query(`UPDATE alert_transitions SET notified_singly = true WHERE notify AND published_at IS NOT NULL`);
    // What grouping reads every poll: the notified transitions no notification covers yet.
    await q.query(`CREATE INDEX alert_transitions_ungrouped_idx ON alert_transitions (id) WHERE notify AND notification_id IS NULL AND NOT notified_singly`);
    await q.query(`CREATE INDEX alert_transitions_notification_idx ON alert_transitions (notification_id) WHERE notification_id IS NOT NULL`);

    await q.query(`
      ALTER TABLE alert_deliveries
        ALTER COLUMN transition_id DROP NOT NULL,
        ADD COLUMN notification_id bigint REFERENCES alert_notifications(id),
        ADD CONSTRAINT alert_deliveries_one_subject CHECK ((transition_id IS NULL) <> (notification_id IS NULL))`);
    await q.query(`CREATE UNIQUE INDEX alert_deliveries_notification_url_key ON alert_deliveries (notification_id, url) WHERE notification_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM alert_deliveries WHERE notification_id IS NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS alert_deliveries_notification_url_key`);
    await q.query(`
      ALTER TABLE alert_deliveries DROP CONSTRAINT alert_deliveries_one_subject, DROP COLUMN notification_id,
        ALTER COLUMN transition_id SET NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS alert_transitions_notification_idx`);
    await q.query(`DROP INDEX IF EXISTS alert_transitions_ungrouped_idx`);
    await q.query(`ALTER TABLE alert_transitions DROP COLUMN notified_singly, DROP COLUMN notification_id, DROP COLUMN recorded_at`);
    await q.query(`DROP TABLE alert_notifications`);
  }
}
