import { type LocalDate, type WindowCounts, addDays } from '@tthc/domain';

/** A live window: `to` is today for every one of them (liveWindows). */
export interface DayWindow {
  name: string;
  from: LocalDate;
  to: LocalDate;
}

/**
 * Each live window split at today: the days before it (`past`, only windows that have any) and
 * today alone. Every live window ends today, so its sums are its past part plus today's rows.
 */
export function splitAtToday(windows: readonly DayWindow[], today: LocalDate): { past: DayWindow[]; today: DayWindow } {
  const yesterday = addDays(today, -1);
  return { past: windows.filter((w) => w.from <= yesterday).map((w) => ({ name: w.name, from: w.from, to: yesterday })), today: { name: 'today', from: today, to: today } };
}

interface Entry {
  today: LocalDate;
  sums: Map<string, WindowCounts>;
}

/**
 * Per unit, the live windows' sums over the days before today. In live traffic batches write
 * today's day rows, so a flush needs to read only those; the days before change when a late or
 * replayed event lands on them (`invalidate`), and at midnight (an entry is kept for its day).
 *
 * A recompute reads what it lacks and stores it with `store(from, …)`, where `from` is
 * `generation()` taken before its read: a unit invalidated after that may have been read before
 * the change committed and is not stored. Another process rewriting past days (an audit replay)
 * is not seen here: every unit is forgotten in turn (`forget`, a slice of the units every
 * LIVE_REFRESH_MS / 10) and its past read again, and every unit after a group join
 * (`forgetAll`). Bounded by the number of units.
 */
export class PastWindowSums {
  private readonly entries = new Map<string, Entry>();
  private readonly invalidatedAt = new Map<string, number>();
  private generationNo = 0;

  generation(): number {
    return this.generationNo;
  }

  /** A batch changed `unit`'s day rows, the earliest on `earliestDay`; `today` is the local day now. */
  invalidate(unit: string, earliestDay: LocalDate, today: LocalDate): void {
    if (earliestDay < today) this.forget(unit);
  }

  /** Drops what is known of `unit`: its next recompute reads its past again. */
  forget(unit: string): void {
    this.entries.delete(unit);
    this.invalidatedAt.set(unit, ++this.generationNo);
  }

  /** Drops what is known of every unit (after a group join: another member may have written them). */
  forgetAll(): void {
    for (const unit of [...this.entries.keys()]) this.forget(unit);
  }

  /** The past sums of `unit` for `today`: undefined when not known (a unit with no rows has an empty map). */
  get(unit: string, today: LocalDate): Map<string, WindowCounts> | undefined {
    const e = this.entries.get(unit);
    return e && e.today === today ? e.sums : undefined;
  }

  /** Stores what a read begun at generation `from` found, for the units not invalidated since. */
  store(from: number, today: LocalDate, units: Iterable<string>, sums: Map<string, Map<string, WindowCounts>>): void {
    for (const unit of units) {
      if ((this.invalidatedAt.get(unit) ?? 0) > from) continue;
      this.entries.set(unit, { today, sums: sums.get(unit) ?? new Map<string, WindowCounts>() });
    }
  }
}
