export * from './load-settings';
export * from './common.settings';
export * from './deployment-mode';
export * from './secret-setting';
