import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: an aggregator batch opened with four round trips (batch gate, offset row created if
 * missing, offset row locked, unit locks), each ~170 µs of wall time and an await on an event loop
 * that the live snapshot and the fetches share. One function takes the same locks in the same
 * order in one call (`enterDossierBatch` says what each lock is for), and inserts the offset row
 * only the first time a partition is seen instead of on every batch.
 *
 * The lock keys come in as arguments (the gate's name, the unit locks' namespace), so they stay
 * defined in one place, libs/persistence `consumer-offsets.repository.ts`. Tables resolve through
 * the caller's search_path, like every other statement of the pipeline.
 */
export class DossierBatchEntry1764900000000 implements MigrationInterface {
  name = 'DossierBatchEntry1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION tthc_enter_dossier_batch(gate_key text, grp text, tpc text, part int, unit_lock_space int, units text[])
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
          ORDER BY h;
        RETURN stored;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS tthc_enter_dossier_batch(text, text, text, int, int, text[])`);
  }
}
