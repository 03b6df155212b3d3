export * from './kafka-client';
export * from './topics';
export * from './batch-consumer';
export * from './sized-send';
export * from './partition-health';
