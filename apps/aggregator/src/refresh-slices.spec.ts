import { nextRefreshSlice } from './refresh-slices';

const unitsOf = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

describe('nextRefreshSlice', () => {
  it.each([
    // [units, slices, sizes of the first slices]
    [125, 10, [13, 13, 13]],
    [3, 10, [1, 1, 1, 1]],
    [10, 10, [1, 1]],
    [3355, 10, [336, 336]],
    [1, 10, [1, 1]],
  ])('%i units in %i slices: slices of %j', (n, slices, sizes) => {
    let cursor = 0;
    for (const size of sizes) {
      const next = nextRefreshSlice(unitsOf(n), cursor, slices);
      expect(next.slice).toHaveLength(size);
      cursor = next.cursor;
    }
  });

  it('wraps round in the units order', () => {
    const units = unitsOf(5);
    expect(nextRefreshSlice(units, 4, 2)).toEqual({ slice: ['u4', 'u0', 'u1'], cursor: 2 });
    expect(nextRefreshSlice(units, 9, 2)).toEqual({ slice: ['u4', 'u0', 'u1'], cursor: 2 }); // a cursor past a shrunk catalogue
    expect(nextRefreshSlice([], 3)).toEqual({ slice: [], cursor: 0 });
  });

  it('covers every unit within `slices` consecutive calls, from any cursor', () => {
    for (let n = 1; n <= 400; n += 7) {
      for (const slices of [1, 3, 10, 16]) {
        for (const start of [0, 1, Math.floor(n / 2), n - 1]) {
          const units = unitsOf(n);
          let cursor = start;
          const seen = new Set<string>();
          for (let call = 0; call < slices; call++) {
            const next = nextRefreshSlice(units, cursor, slices);
            next.slice.forEach((u) => seen.add(u));
            cursor = next.cursor;
          }
          expect(seen.size).toBe(n);
        }
      }
    }
  });
});
