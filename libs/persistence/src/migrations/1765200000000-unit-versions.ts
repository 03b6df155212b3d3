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
 * Raised by each aggregator batch for the units it changed, with the batch's other writes (one
 * combined statement, `unitVersionsWrite`), under the unit locks the batch holds, so two batches of
 * a unit update its row one after the other; by an audit replay for the unit it rewrites. One row a
 * unit, updated in place (fillfactor 50: the update is heap-only, no index entry per batch).
 * Only a table is added: the apps of the version before keep working while this runs and during
 * the rolling update (they raise nothing, and their figures compare as they did).
 */
export class UnitVersions1765200000000 implements MigrationInterface {
  name = 'UnitVersions1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE unit_versions (unit_code text PRIMARY KEY, version bigint NOT NULL) WITH (fillfactor = 50)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS unit_versions`);
  }
}
