export * from './window-figures';
export * from './live-metrics.store';
