export * from './logger';
export * from './errors';
export * from './redact-url';
export * from './coalescing-queue';
