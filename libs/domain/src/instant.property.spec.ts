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

/**
 * The reference model of the grammar: the regular expression parseInstant used before it read
 * characters one by one (issue 12), with Date.UTC for the arithmetic.
 */
const REFERENCE_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
function referenceParse(value: string): number | undefined {
  const m = REFERENCE_RE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const monthDays = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (mo < 1 || mo > 12 || d < 1 || d > monthDays[mo - 1] || h > 23 || mi > 59 || s > 59) return undefined;
  const offset = m[8] === undefined ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  if (m[8] === undefined && (Number(m[10]) > 18 || Number(m[11]) > 59)) return undefined;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d);
  utc.setUTCHours(h, mi, s, ms);
  return utc.getTime() - offset * 60_000;
}

/** A valid timestamp (any year 0000–9999) with a few characters inserted, removed or replaced by ones the grammar cares about. */
const CHARS = ['0', '1', '2', '5', '9', '-', ':', '.', 'T', 't', 'Z', 'z', '+', ' ', '٣', '\u0000', 'x'];
const mutatedTimestamp = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), validTimestamp, fc.array(fc.tuple(fc.constantFrom('insert', 'remove', 'replace'), fc.nat(), fc.constantFrom(...CHARS)), { maxLength: 3 }))
  .map(([year, ts, edits]) =>
    edits.reduce(
      (s, [kind, at, c]) => {
        const i = at % (s.length + 1);
        if (kind === 'insert') return s.slice(0, i) + c + s.slice(i);
        if (kind === 'remove') return s.slice(0, i) + s.slice(i + 1);
        return s.slice(0, i) + c + s.slice(i + 1);
      },
      pad(year, 4) + ts.slice(4),
    ),
  );

describe('parseInstant agrees with the reference grammar', () => {
  it('accepts and rejects exactly what the regular expression did, with the same instant', () => {
    fc.assert(
      fc.property(mutatedTimestamp, (ts) => {
        expect(parseInstant(ts)).toBe(referenceParse(ts));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees on every day of the years 0000-0003, 1899-1901, 1969-1971, 2099-2101 and 9997-9999 at both ends of the offset range', () => {
    for (const year of [0, 1, 2, 3, 1899, 1900, 1901, 1969, 1970, 1971, 2099, 2100, 2101, 9997, 9998, 9999]) {
      for (let day = 0; day < 366; day++) {
        const date = new Date(Date.UTC(2000, 0, 1 + day));
        const md = `${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
        for (const time of ['00:00:00.000-18:59', '23:59:59.999+18:59', '12:00Z']) {
          const ts = `${pad(year, 4)}-${md}T${time}`;
          expect([ts, parseInstant(ts)]).toEqual([ts, referenceParse(ts)]);
        }
      }
    }
  });
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
