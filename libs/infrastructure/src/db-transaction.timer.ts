import type { EntitySubscriberInterface, QueryRunner } from 'typeorm';
import type { AppMetrics } from '@tthc/observability';

/** TypeORM keeps the nesting depth protected; 0 outside a transaction, 1 in the outermost. */
const depthOf = (qr: QueryRunner) => (qr as unknown as { transactionDepth: number }).transactionDepth;

/**
 * `tthc_db_transaction_duration_seconds` for every transaction of the app (issue 13), from
 * TypeORM's transaction events, so no handler has to time its own: from just before BEGIN to
 * just after COMMIT or ROLLBACK of the outermost transaction (savepoints are inside it).
 */
export class DbTransactionTimer implements EntitySubscriberInterface {
  private readonly started = new WeakMap<QueryRunner, number>();

  constructor(private readonly metrics: AppMetrics) {}

  beforeTransactionStart({ queryRunner }: { queryRunner: QueryRunner }): void {
    if (depthOf(queryRunner) === 0) this.started.set(queryRunner, performance.now());
  }

  afterTransactionCommit({ queryRunner }: { queryRunner: QueryRunner }): void {
    this.finish(queryRunner, 'commit');
  }

  afterTransactionRollback({ queryRunner }: { queryRunner: QueryRunner }): void {
    this.finish(queryRunner, 'rollback');
  }

  private finish(queryRunner: QueryRunner, outcome: 'commit' | 'rollback'): void {
    if (depthOf(queryRunner) !== 0) return;
    const t0 = this.started.get(queryRunner);
    if (t0 === undefined) return;
    this.started.delete(queryRunner);
    this.metrics.dbTransactionDuration.observe({ outcome }, (performance.now() - t0) / 1000);
  }
}
