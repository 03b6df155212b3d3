import { backoffMs, isRetriable } from './errors';

describe('isRetriable', () => {
  it.each([
    ['a TypeError (programmer error)', new TypeError('x is undefined'), false],
    ['a unique violation (23505)', Object.assign(new Error('dup'), { code: '23505' }), false],
    ['a syntax error in SQL (42601)', Object.assign(new Error('syntax'), { code: '42601' }), false],
    ['a lost connection (08006)', Object.assign(new Error('conn'), { code: '08006' }), true],
    ['a serialization failure (40001)', Object.assign(new Error('ser'), { code: '40001' }), true],
    ['a refused socket', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), true],
    ['a kafkajs broker error', Object.assign(new Error('leader not available'), { retriable: true }), true],
  ])('%s → %s', (_name, error, expected) => {
    expect(isRetriable(error)).toBe(expected);
  });
});

describe('backoffMs', () => {
  it('grows exponentially, stays within [ceiling/2, ceiling] and never exceeds the cap', () => {
    expect(backoffMs(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffMs(20, 100, 10_000, () => 0)).toBe(5_000);
  });
});
