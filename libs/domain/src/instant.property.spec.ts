import fc from 'fast-check';
import { parseInstant } from './instant';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Any valid ISO-8601 timestamp with an offset, in the shapes the contract allows. */
const validTimestamp = fc
  .record({
    y: fc.integer({ min: 1900, max: 2200 }),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.option(fc.integer({ min: 0, max: 59 })),
    frac: fc.option(fc.stringMatching(/^\d{1,9}$/)),
    offset: fc.oneof(
      fc.constant('Z'),
      fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 30, 45)).map(([sign, oh, om]) => `${sign}${pad(oh)}:${pad(om)}`),
    ),
  })
  .filter(({ y, mo, d }) => new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d)
  .map(({ y, mo, d, h, mi, s, frac, offset }) => {
    const seconds = s === null ? '' : `:${pad(s)}${frac === null ? '' : `.${frac}`}`;
    return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}${seconds}${offset}`;
  });

describe('parseInstant agrees with Date.parse', () => {
  it('gives the same instant for every valid timestamp with an offset', () => {
    fc.assert(
      fc.property(validTimestamp, (ts) => {
        expect(parseInstant(ts)).toBe(Date.parse(ts));
      }),
      { numRuns: 2000 },
    );
  });
});
