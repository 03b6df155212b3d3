/**
 * How every screen, export and alert text shows a rate (issue 14: this rule had six copies, and
 * two of them skipped the nudge, so 57/800 read 7,12% in the chart and 7,13% in the table).
 *
 * The api serves these functions to the pages as they are written here (apps/api
 * `rate-format.script.ts`), so each must stay self-contained: plain arithmetic and calls to the
 * other functions of this file, nothing imported.
 */

/** A ratio in percentage points, rounded to two decimals, exact halves up: 57/800 → 7.13. */
export function percentPoints(rate: number): number {
  // 57/800 * 10000 is 712.4999999999999 in floating point; the nudge, far below any real
  // difference between two rates (one dossier in 10^11), makes exact halves round up.
  return Math.round(rate * 10000 + 1e-7) / 100;
}

/** Percentage points as the province writes them: two decimals, a decimal comma (7,13%). */
export function formatPercentPointsVi(points: number): string {
  return `${points.toFixed(2).replace('.', ',')}%`;
}

/** A ratio as the UI shows it: 51,66%; "—" when there is nothing to divide. */
export function formatPercentVi(rate: number | null): string {
  return rate === null ? '—' : formatPercentPointsVi(percentPoints(rate));
}
