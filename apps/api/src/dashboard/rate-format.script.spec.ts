import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { formatPercentPointsVi, formatPercentVi, percentPoints } from '@tthc/domain';
import { rateFormatScript } from './rate-format.script';

/** The script as a page runs it: a fresh global scope with nothing of ours in it. */
function loaded(): { percentPoints: typeof percentPoints; formatPercentVi: typeof formatPercentVi; formatPercentPointsVi: typeof formatPercentPointsVi } {
  const page: Record<string, unknown> = {};
  runInNewContext(`${rateFormatScript()}\nthis.api = { percentPoints, formatPercentVi, formatPercentPointsVi };`, page);
  return page.api as ReturnType<typeof loaded>;
}

describe('rate-format.js, the pages’ copy of the domain’s percent rule', () => {
  const browser = loaded();

  it.each<[number | null, string, number | null]>([
    [57 / 800, '7,13%', 7.13],
    [1 / 32, '3,13%', 3.13],
    [0.6, '60,00%', 60],
    [null, '—', null],
  ])('%p → %s and %p points, as the API and exports say', (rate, text, points) => {
    expect(browser.formatPercentVi(rate)).toBe(text);
    if (rate !== null) expect(browser.percentPoints(rate)).toBe(points);
  });

  it('agrees with libs/domain on every n/d of real dossier counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.nat(), (d, k) => {
        const rate = (k % (d + 1)) / d;
        expect(browser.formatPercentVi(rate)).toBe(formatPercentVi(rate));
        expect(browser.formatPercentPointsVi(browser.percentPoints(rate))).toBe(formatPercentPointsVi(percentPoints(rate)));
      }),
      { numRuns: 2000 },
    );
  });
});
