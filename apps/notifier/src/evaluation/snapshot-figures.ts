import type { UnitSnapshot, WindowFigures } from '@tthc/contracts';
import type { DayCounters } from '@tthc/domain';
import type { WindowBounds } from '@tthc/persistence';

/** A unit's figures for the windows an evaluation needs, and its overdue-open count. */
export interface UnitFigures {
  windows: Map<string, DayCounters>;
  overdueOpen: number;
}

const SNAPSHOT_WINDOWS = ['today', 'monthToDate', 'rolling30d'] as const;

function counters(f: WindowFigures): DayCounters {
  const { receivedTotal, receivedOnline, receivedDirect, resolvedTotal, resolvedOnTime, resolvedLate } = f;
  return { receivedTotal, receivedOnline, receivedDirect, resolvedTotal, resolvedOnTime, resolvedLate };
}

/**
 * The windows a unit snapshot answers, and those it does not. A window is taken from the
 * snapshot only when the snapshot covers exactly its days: a snapshot made before midnight (or
 * before the test clock moved) covers yesterday's 30 days, and those are read from the store.
 * Matching by days, not by name, means `rolling1d` is answered by `today` too.
 */
export function figuresFromSnapshot(snapshot: UnitSnapshot, spans: readonly WindowBounds[]): { windows: Map<string, DayCounters>; missing: WindowBounds[] } {
  const windows = new Map<string, DayCounters>();
  const missing: WindowBounds[] = [];
  for (const span of spans) {
    // `?.`: a snapshot is parsed JSON, not checked field by field; one without a window answers nothing for it.
    const match = SNAPSHOT_WINDOWS.map((w) => snapshot[w] as WindowFigures | undefined).find((f) => f?.from === span.from && f.to === span.to);
    if (match) windows.set(span.name, counters(match));
    else missing.push(span);
  }
  return { windows, missing };
}
