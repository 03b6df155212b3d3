import { RecomputePacer } from './recompute-pacer';

describe('RecomputePacer', () => {
  it.each([
    // [max duty %, recompute started, ended, earliest next start]
    [20, 1_000, 1_050, 1_250], // 50 ms of work, then 4 × 50 ms of rest
    [20, 1_000, 1_600, 4_000], // a national recompute of 600 ms: the next one 2.4 s later
    [50, 1_000, 1_100, 1_200],
    [100, 1_000, 1_600, 1_600], // 100%: no rest, only LIVE_FLUSH_MS paces
    [20, 1_000, 1_000, 1_000], // instant (nothing to read): ready at once
  ])('at %i%%, a recompute from %i to %i lets the next start at %i, not before', (duty, start, end, next) => {
    const pacer = new RecomputePacer(duty);
    expect(pacer.ready(start)).toBe(true);
    pacer.finished(start, end);
    expect(pacer.ready(next - 1)).toBe(false);
    expect(pacer.ready(next)).toBe(true);
  });

  it('paces on the last recompute only: a cheap one after a costly one shortens the rest again', () => {
    const pacer = new RecomputePacer(20);
    pacer.finished(0, 1_000);
    expect(pacer.ready(4_999)).toBe(false);
    pacer.finished(5_000, 5_010);
    expect(pacer.ready(5_050)).toBe(true);
  });

  it('refuses a duty outside (0, 100]', () => {
    expect(() => new RecomputePacer(0)).toThrow('maxDutyPercent must be in (0, 100], got 0');
    expect(() => new RecomputePacer(101)).toThrow(RangeError);
  });
});
