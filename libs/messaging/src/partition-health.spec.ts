import { type PartitionProgress, observeFetch, partitionHealth } from './partition-health';

const NOW = Date.UTC(2026, 10, 30, 3, 0, 0);
const limits = { stallAfterMs: 120_000, maxFailedAttempts: 5 };
const progress = (over: Partial<PartitionProgress>): PartitionProgress => ({
  nextOffset: 100n,
  highWatermark: 100n,
  lastAdvanceAt: NOW - 1_000,
  failingAttempts: 0,
  lastError: null,
  ...over,
});

describe('partitionHealth', () => {
  it.each<[string, Partial<PartitionProgress>, number | null, boolean]>([
    ['caught up, recently advanced', {}, 0, false],
    ['caught up and idle for an hour (nothing to do is not stuck)', { lastAdvanceAt: NOW - 3_600_000 }, 0, false],
    ['lag, advancing', { highWatermark: 5_000n }, 4_900, false],
    ['lag, no progress for just under the limit', { highWatermark: 101n, lastAdvanceAt: NOW - 120_000 }, 1, false],
    ['lag, no progress for longer than the limit', { highWatermark: 101n, lastAdvanceAt: NOW - 120_001 }, 1, true],
    ['4 failed attempts in a row', { highWatermark: 200n, failingAttempts: 4 }, 100, false],
    ['5 failed attempts in a row', { highWatermark: 200n, failingAttempts: 5, lastError: '08006: connection lost' }, 100, true],
    ['never fetched yet', { nextOffset: null, highWatermark: null, lastAdvanceAt: NOW - 999_999 }, null, false],
  ])('%s', (_name, over, lag, stuck) => {
    const h = partitionHealth(3, progress(over), NOW, limits);
    expect(h.lag).toBe(lag);
    expect(h.stuck).toBe(stuck);
    expect(h.partition).toBe(3);
  });

  it('carries the last error, so the operator sees why', () => {
    const h = partitionHealth(0, progress({ failingAttempts: 7, lastError: '57P01: terminating connection due to administrator command' }), NOW, limits);
    expect(h.lastError).toContain('57P01');
  });
});

describe('observeFetch', () => {
  it('starts the stall clock when lag appears after idling, so the first batch after an hour is not stalled', () => {
    const p = progress({ nextOffset: 100n, highWatermark: 100n, lastAdvanceAt: NOW - 3_600_000 });
    observeFetch(p, 101n, 100n, NOW);
    expect(partitionHealth(0, p, NOW + 1_000, limits).stuck).toBe(false);
    expect(partitionHealth(0, p, NOW + 120_001, limits).stuck).toBe(true);
  });

  it('keeps the stall clock running while lag persists', () => {
    const p = progress({ nextOffset: 100n, highWatermark: 150n, lastAdvanceAt: NOW - 200_000 });
    observeFetch(p, 160n, 100n, NOW);
    expect(partitionHealth(0, p, NOW, limits)).toMatchObject({ lag: 60, stuck: true });
  });

  it('learns the position from the first batch of a newly assigned partition', () => {
    const p = progress({ nextOffset: null, highWatermark: null });
    observeFetch(p, 500n, 480n, NOW);
    expect(partitionHealth(0, p, NOW, limits)).toMatchObject({ nextOffset: '480', lag: 20, stuck: false });
  });
});
