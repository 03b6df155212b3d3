export * from './kafka-client';
export * from './topics';
export * from './batch-consumer';
