export * from './tokens';
export * from './infrastructure.module';
export * from './unit-directory';
export * from './exit-on-fatal';
export * from './managed-batch-consumer';
export * from './worker-health';
export * from './dead-letter.writer';
