import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who downloaded which figures (issue 10): every export is recorded with the name of the API key
 * that asked for it, so an auditor's question "who took this report out, and when" has an answer.
 */
export class ExportLog1763900000100 implements MigrationInterface {
  name = 'ExportLog1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE export_log (
        id          bigserial PRIMARY KEY,
        at          timestamptz NOT NULL,
        actor       text NOT NULL,
        report      text NOT NULL,
        format      text NOT NULL,
        unit_code   text,
        granularity text,
        range_from  date NOT NULL,
        range_to    date NOT NULL,
        row_count   integer NOT NULL
      )`);
    await q.query(`CREATE INDEX export_log_at_idx ON export_log (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE export_log`);
  }
}
