import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('the same seed and stream give the same schedule; another stream or seed another', () => {
    const draw = (seed: number, stream: string) => {
      const r = new SeededRandom(seed, stream);
      return Array.from({ length: 8 }, () => r.between(0, 1_000_000));
    };
    expect(draw(86, 'kills')).toEqual(draw(86, 'kills'));
    expect(draw(86, 'kills')).not.toEqual(draw(86, 'outages'));
    expect(draw(86, 'kills')).not.toEqual(draw(87, 'kills'));
  });

  it('between stays within its bounds and reaches both; uuid is a version-4 UUID', () => {
    const r = new SeededRandom(1);
    const seen = new Set(Array.from({ length: 2_000 }, () => r.between(3, 7)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
