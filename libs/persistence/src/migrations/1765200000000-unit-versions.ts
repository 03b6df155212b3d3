import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version per unit, raised by every transaction that can change the unit's figures, so that the
 * live snapshot (Redis, `tthc.metrics.units`) can refuse older figures over newer ones.
 *
 * An aggregator that has not yet seen the group join handing a unit to another member can read the
 * unit's day rows before the new owner's batch commits and write them after the new owner's flush
 * (BENCHMARKS.md: the last window of the live-snapshot race). A version taken from the members
 * (a sequence at each join, the Kafka generation) cannot close it: the old member has not seen the
 * join yet. The data's own version can: a flush reads its units' versions before their figures,
 * so a snapshot's version never exceeds the state it shows, and the owner's flush after a batch
 * carries at least that batch's version, more than any read begun before it.
 *
 * Raised in `tthc_enter_dossier_batch`, under the unit locks the batch already takes (two batches
 * of a unit touch its row one after the other), in the same round trip: one row per unit a batch
 * holds, updated in place (fillfactor 50: the update is heap-only, no index entry per batch).
 * An audit replay raises the versions of the units it rewrites (`replaceDayCounters`).
 */
export class UnitVersions1765200000000 implements MigrationInterface {
  name = 'UnitVersions1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE unit_versions (unit_code text PRIMARY KEY, version bigint NOT NULL) WITH (fillfactor = 50)`);
    await q.query(enterDossierBatch(RAISE_UNIT_VERSIONS));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(enterDossierBatch(''));
    await q.query(`DROP TABLE IF EXISTS unit_versions`);
  }
}

const RAISE_UNIT_VERSIONS = `
        INSERT INTO unit_versions AS v (unit_code, version)
        SELECT DISTINCT u, 1 FROM unnest(units) AS u
        ON CONFLICT (unit_code) DO UPDATE SET version = v.version + 1;`;

/** Migration 1764900000000's function as it was, with `extra` run after the unit locks. */
function enterDossierBatch(extra: string): string {
  return `
      CREATE OR REPLACE FUNCTION tthc_enter_dossier_batch(gate_key text, grp text, tpc text, part int, unit_lock_space int, units text[])
      RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        stored bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock_shared(hashtext(gate_key));
        SELECT next_offset INTO stored FROM consumer_offsets WHERE consumer_group = grp AND topic = tpc AND partition = part FOR UPDATE;
        IF NOT FOUND THEN
          INSERT INTO consumer_offsets (consumer_group, topic, partition, next_offset) VALUES (grp, tpc, part, -1) ON CONFLICT DO NOTHING;
          SELECT next_offset INTO STRICT stored FROM consumer_offsets WHERE consumer_group = grp AND topic = tpc AND partition = part FOR UPDATE;
        END IF;
        -- Ascending hash, one statement: the global order that keeps batches deadlock-free.
        PERFORM pg_advisory_xact_lock(unit_lock_space, h)
           FROM (SELECT DISTINCT hashtext(u) AS h FROM unnest(units) AS u) AS held
          ORDER BY h;${extra}
        RETURN stored;
      END
      $$`;
}
