/** How many slices the periodic recompute of every unit is cut into: one slice every LIVE_REFRESH_MS / REFRESH_SLICES. */
export const REFRESH_SLICES = 10;

/**
 * The next slice of `units` (a fixed order) from `cursor`, wrapping round, and the cursor after
 * it: `slices` consecutive calls cover every unit at least once, whatever the cursor started at.
 */
export function nextRefreshSlice(units: readonly string[], cursor: number, slices = REFRESH_SLICES): { slice: string[]; cursor: number } {
  if (units.length === 0) return { slice: [], cursor: 0 };
  const size = Math.ceil(units.length / slices);
  const start = cursor % units.length;
  const slice: string[] = [];
  for (let i = 0; i < size; i++) slice.push(units[(start + i) % units.length]);
  return { slice, cursor: (start + size) % units.length };
}
