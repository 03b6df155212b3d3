import { formatPercentPointsVi, formatPercentVi, percentPoints } from '@tthc/domain';

/**
 * The pages' rate formatting, served as `/assets/rate-format.js` (a script from this origin, so
 * the pages' CSP allows it without loosening anything): the domain's own functions, written out
 * from the running code rather than copied into each page, so the chart, the tables, the exports
 * and the alert texts cannot round a rate differently (issue 14: 57/800 read 7,12% in the chart
 * and 7,13% in the table). libs/domain percent-format.ts keeps those functions self-contained.
 */
export function rateFormatScript(): string {
  return ['"use strict";', percentPoints.toString(), formatPercentPointsVi.toString(), formatPercentVi.toString(), ''].join('\n');
}
