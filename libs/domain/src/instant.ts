/**
 * Parsing of the contract's timestamps: ISO-8601 with an explicit offset (PRODUCT.md, event
 * contract). A timestamp without an offset is ambiguous between local time and UTC, so it is
 * rejected rather than guessed.
 */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const DASH = 45;
const COLON = 58;
const DOT = 46;
const PLUS = 43;
const T = 84;
const Z = 90;

/** The two ASCII digits at i as a number, or -1. */
function twoDigits(v: string, i: number): number {
  const a = v.charCodeAt(i) - 48;
  const b = v.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, for any year (H. Hinnant's
 * days_from_civil): the calendar Date.UTC uses, without its mapping of years 0–99 to 1900–1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * Epoch milliseconds of an ISO-8601 timestamp with offset, or `undefined` if it is not one:
 * `YYYY-MM-DDTHH:MM[:SS[.f{1,9}]](Z|±HH:MM)`, ASCII digits, the offset at most ±18:59.
 *
 * Read character by character, with no regular expression, substrings or Date: this runs twice
 * for each instant of every event on ingest's hot path (the compiled validator's format check,
 * then decode), and the regular-expression version was 8–10% of ingest's CPU (BENCHMARKS.md).
 * `instant.property.spec.ts` holds it to that version and to Date.parse.
 */
export function parseInstant(v: string): number | undefined {
  const n = v.length;
  if (n < 17 || v.charCodeAt(4) !== DASH || v.charCodeAt(7) !== DASH || v.charCodeAt(10) !== T || v.charCodeAt(13) !== COLON) return undefined;
  const century = twoDigits(v, 0);
  const yy = twoDigits(v, 2);
  const mo = twoDigits(v, 5);
  const d = twoDigits(v, 8);
  const h = twoDigits(v, 11);
  const mi = twoDigits(v, 14);
  if (century < 0 || yy < 0 || mo < 0 || d < 0 || h < 0 || mi < 0) return undefined;
  const y = century * 100 + yy;

  let i = 16;
  let s = 0;
  let ms = 0;
  if (v.charCodeAt(i) === COLON) {
    s = twoDigits(v, i + 1);
    if (s < 0) return undefined;
    i += 3;
    if (v.charCodeAt(i) === DOT) {
      const start = ++i;
      for (let c = v.charCodeAt(i) - 48; c >= 0 && c <= 9; c = v.charCodeAt(++i) - 48) {
        // Fractions finer than a millisecond are truncated, as Date.parse does.
        if (i - start < 3) ms = ms * 10 + c;
      }
      const digits = i - start;
      if (digits < 1 || digits > 9) return undefined;
      if (digits === 1) ms *= 100;
      else if (digits === 2) ms *= 10;
    }
  }

  let offsetMinutes = 0;
  const sign = v.charCodeAt(i);
  if (sign === Z) {
    if (i + 1 !== n) return undefined;
  } else if (sign === PLUS || sign === DASH) {
    if (i + 6 !== n || v.charCodeAt(i + 3) !== COLON) return undefined;
    const oh = twoDigits(v, i + 1);
    const om = twoDigits(v, i + 4);
    if (oh < 0 || om < 0 || oh > 18 || om > 59) return undefined;
    offsetMinutes = (sign === DASH ? -1 : 1) * (oh * 60 + om);
  } else {
    return undefined;
  }

  // Date.parse would roll 2025-02-30 over to March; reject impossible fields instead.
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1])) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return daysFromCivil(y, mo, d) * 86_400_000 + ((h * 60 + mi - offsetMinutes) * 60 + s) * 1000 + ms;
}

export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && parseInstant(value) !== undefined;
}
