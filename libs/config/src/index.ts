export * from './load-settings';
export * from './common.settings';
