import type { UnitSnapshot, WindowFigures } from '@tthc/contracts';
import { WINDOW_COUNT_FIELDS, type WindowCounts } from '@tthc/domain';
import type { WindowBounds } from '@tthc/persistence';

/** A unit's figures for the windows an evaluation needs, and its overdue-open count. */
export interface UnitFigures {
  windows: Map<string, WindowCounts>;
  overdueOpen: number;
}

const SNAPSHOT_WINDOWS = ['today', 'monthToDate', 'rolling30d'] as const;

/** The window's counts, or `undefined` when any is missing (a snapshot from before issue 15 lacks the v2 ones). */
function counts(f: WindowFigures): WindowCounts | undefined {
  const c = {} as WindowCounts;
  for (const field of WINDOW_COUNT_FIELDS) {
    const v = (f as Partial<WindowCounts>)[field];
    if (typeof v !== 'number') return undefined;
    c[field] = v;
  }
  return c;
}

/**
 * The windows a unit snapshot answers, and those it does not. A window is taken from the
 * snapshot only when the snapshot covers exactly its days: a snapshot made before midnight (or
 * before the test clock moved) covers yesterday's 30 days, and those are read from the store.
 * Matching by days, not by name, means `rolling1d` is answered by `today` too. A window without
 * every count (an aggregator older than issue 15 during a rolling upgrade) is read from the store
 * too, so a fully-online rule never judges a unit on a figure it was not sent.
 */
export function figuresFromSnapshot(snapshot: UnitSnapshot, spans: readonly WindowBounds[]): { windows: Map<string, WindowCounts>; missing: WindowBounds[] } {
  const windows = new Map<string, WindowCounts>();
  const missing: WindowBounds[] = [];
  for (const span of spans) {
    // `?.`: a snapshot is parsed JSON, not checked field by field; one without a window answers nothing for it.
    const match = SNAPSHOT_WINDOWS.map((w) => snapshot[w] as WindowFigures | undefined).find((f) => f?.from === span.from && f.to === span.to);
    const c = match && counts(match);
    if (c) windows.set(span.name, c);
    else missing.push(span);
  }
  return { windows, missing };
}
