import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 9: an event that passed validation but that PostgreSQL or the broker refused is
 * dead-lettered as STORAGE_REJECTED; which store refused it, and its own error code (SQLSTATE or
 * Kafka error type), are kept beside the reason so operators can tell a NUL from a size limit.
 */
export class StorageRejections1764400000000 implements MigrationInterface {
  name = 'StorageRejections1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rejected_events ADD COLUMN IF NOT EXISTS error_source text, ADD COLUMN IF NOT EXISTS error_code text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rejected_events DROP COLUMN IF EXISTS error_code, DROP COLUMN IF EXISTS error_source`);
  }
}
