export * from './kafka-client';
export * from './topics';
export * from './batch-consumer';
export * from './record-context';
