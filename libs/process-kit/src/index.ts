export * from './app-process';
export * from './free-port';
export * from './private-broker';
export * from './private-postgres';
export * from './private-redis';
export * from './repo-root';
export * from './wait-for-exit';
export * from './ground-truth';
