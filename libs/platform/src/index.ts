export * from './logger';
export * from './errors';
