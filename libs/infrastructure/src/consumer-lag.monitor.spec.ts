import { partitionLag } from './consumer-lag.monitor';

describe('partitionLag', () => {
  it.each([
    ['committed in the middle', '120', '0', '100', { lag: 20, committed: 100 }],
    ['caught up', '120', '0', '120', { lag: 0, committed: 120 }],
    ['no commit yet: counts from the log start (the consumers read from the beginning)', '120', '30', '-1', { lag: 90, committed: 30 }],
    ['a committed offset past the end (log truncated by retention) is no negative lag', '50', '50', '70', { lag: 0, committed: 70 }],
  ])('%s', (_name, high, low, committed, expected) => {
    expect(partitionLag(high, low, committed)).toEqual(expected);
  });
});
