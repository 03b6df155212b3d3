import { type DayCounters, type LocalDate, addDays, localDayOf, onlineRate, onTimeRate, startOfMonth, zeroCounters } from '@tthc/domain';
import type { UnitSnapshot, WindowFigures } from '@tthc/contracts';

export type LiveWindowName = 'today' | 'monthToDate' | 'rolling30d';

export interface LiveWindow {
  name: LiveWindowName;
  from: LocalDate;
  to: LocalDate;
}

/** The three live windows of PRODUCT.md (`GET /metrics/live`) as of instant `now`, in local days. */
export function liveWindows(now: number): LiveWindow[] {
  const today = localDayOf(now);
  return [
    { name: 'today', from: today, to: today },
    { name: 'monthToDate', from: startOfMonth(today), to: today },
    { name: 'rolling30d', from: addDays(today, -29), to: today },
  ];
}

export function windowFigures(w: { from: LocalDate; to: LocalDate }, counters: DayCounters = zeroCounters()): WindowFigures {
  return { from: w.from, to: w.to, ...counters, onlineRate: onlineRate(counters), onTimeRate: onTimeRate(counters) };
}

export function buildUnitSnapshot(
  unitCode: string,
  now: number,
  windows: LiveWindow[],
  sums: Map<string, DayCounters> | undefined,
  overdueOpen: number,
): UnitSnapshot {
  const fig = (name: LiveWindowName) => {
    const w = windows.find((x) => x.name === name)!;
    return windowFigures(w, sums?.get(name));
  };
  return {
    unitCode,
    asOf: new Date(now).toISOString(),
    today: fig('today'),
    monthToDate: fig('monthToDate'),
    rolling30d: fig('rolling30d'),
    overdueOpen,
  };
}

/** Everything but `asOf`: two snapshots with the same fingerprint say the same thing. */
export function snapshotFingerprint(s: UnitSnapshot): string {
  return JSON.stringify([s.today, s.monthToDate, s.rolling30d, s.overdueOpen]);
}
