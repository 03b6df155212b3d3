export * from './kafka-client';
export * from './topics';
export * from './batch-consumer';
export * from './sized-send';
export * from './partition-health';
export * from './kafka-batch.server';
export * from './batch-patterns';
export * from './record-context';
