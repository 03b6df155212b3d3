import { type LocalDate, type WindowCounts, addDays, localDayOf, onlineRate, onTimeRate, rateObservation, startOfMonth, zeroWindowCounts } from '@tthc/domain';
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

export function windowFigures(w: { from: LocalDate; to: LocalDate }, counts: WindowCounts = zeroWindowCounts()): WindowFigures {
  return {
    from: w.from,
    to: w.to,
    ...counts,
    onlineRate: onlineRate(counts),
    onTimeRate: onTimeRate(counts),
    fullyOnlineRate: rateObservation('fullyOnlineRate', counts).value,
  };
}

export function buildUnitSnapshot(unitCode: string, now: number, windows: LiveWindow[], sums: Map<string, WindowCounts> | undefined, overdueOpen: number, version?: number): UnitSnapshot {
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
    ...(version === undefined ? {} : { version }),
  };
}

/** Everything but `asOf` and `version`: two snapshots with the same fingerprint say the same thing. */
export function snapshotFingerprint(s: UnitSnapshot): string {
  return JSON.stringify([s.today, s.monthToDate, s.rolling30d, s.overdueOpen]);
}
