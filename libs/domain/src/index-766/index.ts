export * from './indicator-counts';
export * from './indicator-rates';
export * from './score-766';
export * from './indicator-fold';
export * from './indicator-diff';
