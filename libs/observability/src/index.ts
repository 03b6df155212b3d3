export * from './app-metrics';
export * from './unit-rate.gauges';
export * from './metric-names';
