export * from './logger';
export * from './errors';
export * from './redact-url';
