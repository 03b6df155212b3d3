import { RecomputePacer } from './recompute-pacer';

describe('RecomputePacer', () => {
  it.each([
    // [max duty %, queries started, ended, earliest next start while catching up]
    [20, 1_000, 1_050, 1_250], // 50 ms of queries, then 4 × 50 ms of rest
    [20, 1_000, 1_600, 4_000], // a national recompute of 600 ms: the next one 2.4 s later
    [50, 1_000, 1_100, 1_200],
    [100, 1_000, 1_600, 1_600], // 100%: no rest, only LIVE_FLUSH_MS paces
    [20, 1_000, 1_000, 1_000], // instant (nothing to read): ready at once
  ])('catching up at %i%%, queries from %i to %i let the next start at %i, not before', (duty, start, end, next) => {
    const pacer = new RecomputePacer(duty, 10_000);
    pacer.behind(start);
    expect(pacer.ready(start)).toBe(true);
    pacer.finished(start, end);
    expect(pacer.ready(next - 1)).toBe(false);
    expect(pacer.ready(next)).toBe(true);
  });

  it('never holds a flush back in live traffic, however costly the last recompute', () => {
    const pacer = new RecomputePacer(20);
    pacer.finished(0, 1_000);
    expect(pacer.ready(1_001)).toBe(true);
  });

  it('paces from a batch fetched behind until the grace after the last one has passed', () => {
    const pacer = new RecomputePacer(20, 2_000);
    pacer.behind(0);
    pacer.finished(0, 1_000); // rest until 5,000
    expect(pacer.ready(1_500)).toBe(false);
    pacer.behind(1_500); // still catching up until 3,500
    expect(pacer.ready(3_499)).toBe(false);
    expect(pacer.ready(3_500)).toBe(true); // caught up: live pace again, rest or not
  });

  it('paces on the last recompute only: a cheap one after a costly one shortens the rest again', () => {
    const pacer = new RecomputePacer(20, 60_000);
    pacer.behind(0);
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
