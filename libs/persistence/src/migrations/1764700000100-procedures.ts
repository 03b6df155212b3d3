import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: the procedure (TTHC) catalogue, so indicators can be broken down and ranked by
 * procedure and by level, and the Đề án 06 essential services filtered. Dossier rows keep their
 * `procedure_code` as the source sent it: a code not (yet) in the catalogue is still counted,
 * under no level, never rejected, so there is no foreign key.
 */
export class Procedures1764700000100 implements MigrationInterface {
  name = 'Procedures1764700000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS procedures (
        code text PRIMARY KEY CHECK (code ~ '^[0-9]\\.[0-9]{6}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
        level text NOT NULL CHECK (level IN ('PROVINCIAL', 'COMMUNE', 'SHARED')),
        online_service boolean NOT NULL,
        online_payment boolean NOT NULL,
        essential boolean NOT NULL,
        deadline_working_days smallint CHECK (deadline_working_days BETWEEN 1 AND 999),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (online_service OR NOT online_payment)
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS procedures_level_idx ON procedures (level, code)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS procedures`);
  }
}
