/**
 * Parsing of the contract's timestamps: ISO-8601 with an explicit offset (PRODUCT.md, event
 * contract). A timestamp without an offset is ambiguous between local time and UTC, so it is
 * rejected rather than guessed.
 */
const ISO_WITH_OFFSET_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * Epoch milliseconds of an ISO-8601 timestamp with offset, or `undefined` if it is not one.
 * Computed from the fields the pattern already matched (no Date.parse of the same string, no
 * probe Date): this runs twice per event on ingest's hot path (BENCHMARKS.md, ingest profile).
 */
export function parseInstant(value: string): number | undefined {
  const m = ISO_WITH_OFFSET_RE.exec(value);
  if (!m) return undefined;
  const y = +m[1];
  const mo = +m[2];
  const d = +m[3];
  const h = +m[4];
  const mi = +m[5];
  const s = m[6] === undefined ? 0 : +m[6];
  // Date.parse would roll 2025-02-30 over to March; reject impossible fields instead.
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1])) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = +m[10];
    const om = +m[11];
    if (oh > 18 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // Fractions finer than a millisecond are truncated, as Date.parse does.
  const ms = m[7] === undefined ? 0 : +m[7].slice(0, 3).padEnd(3, '0');
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not (only absurd input gets there).
  const epoch = y >= 100 ? Date.UTC(y, mo - 1, d, h, mi, s, ms) : new Date(Date.UTC(2000, mo - 1, d, h, mi, s, ms)).setUTCFullYear(y);
  return epoch - offsetMinutes * 60_000;
}

export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && parseInstant(value) !== undefined;
}
