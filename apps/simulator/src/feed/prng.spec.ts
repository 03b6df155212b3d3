import { Prng, deriveSeed, hashString } from './prng';

const take = (rng: Prng, n: number): number[] => Array.from({ length: n }, () => rng.nextUint32());

describe('Prng', () => {
  it('repeats the same stream for the same seed and parts', () => {
    expect(take(new Prng(86), 50)).toEqual(take(new Prng(86), 50));
    expect(take(new Prng(86, 'day', 20270), 50)).toEqual(take(new Prng(86, 'day', 20270), 50));
  });

  it('gives different streams for different seeds and sub-streams', () => {
    const streams = [new Prng(0), new Prng(1), new Prng(86), new Prng(86, 'day', 1), new Prng(86, 'day', 2), new Prng(86, 'unit', 1)];
    const firsts = new Set(streams.map((r) => take(r, 4).join(',')));
    expect(firsts.size).toBe(streams.length);
  });

  it('draws floats in [0, 1) with a sane mean, and integers below n', () => {
    const rng = new Prng(5);
    const xs = Array.from({ length: 20_000 }, () => rng.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((a, b) => a + b, 0) / xs.length - 0.5)).toBeLessThan(0.01);
    const ks = Array.from({ length: 5_000 }, () => rng.below(7));
    expect(new Set(ks)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
  });

  it('draws Poisson counts with the right mean, small and large', () => {
    const rng = new Prng(9);
    for (const lambda of [0.5, 4, 25, 500]) {
      const n = 4_000;
      let sum = 0;
      for (let i = 0; i < n; i++) sum += rng.poisson(lambda);
      expect(Math.abs(sum / n - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n) + 0.01);
    }
    expect(rng.poisson(0)).toBe(0);
  });

  it('picks in proportion to cumulative weights', () => {
    const rng = new Prng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.pickCumulative([1, 1, 4])]++; // weights 1, 0, 3
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(2.7);
    expect(counts[2] / counts[0]).toBeLessThan(3.3);
  });

  it('makes UUID v4-shaped ids, all distinct', () => {
    const rng = new Prng(86);
    const ids = Array.from({ length: 10_000 }, () => rng.uuidV4());
    for (const id of ids.slice(0, 500)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id[19]))).toEqual(new Set(['8', '9', 'a', 'b']));
  });

  it('derives 32-bit seeds that depend on every part and its order', () => {
    const seeds = [deriveSeed(1), deriveSeed(1, 'a'), deriveSeed(1, 'b'), deriveSeed(1, 'a', 'b'), deriveSeed(1, 'b', 'a'), deriveSeed(2, 'a')];
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const s of seeds) expect(s >>> 0).toBe(s);
    expect(hashString('xã')).not.toBe(hashString('xa'));
  });
});
