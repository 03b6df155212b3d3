import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UnitSnapshot } from '@tthc/contracts';
import type { WindowCounts } from '@tthc/domain';
import { type WindowBounds, countOverdueOpenNow, sumWindowCounts } from '@tthc/persistence';
import { KeptStoreReads, fieldsKey } from './kept-store-reads';
import type { FigureNeeds } from './observation.stage';
import { type UnitFigures, figuresFromSnapshot } from './snapshot-figures';

/** Where a read may take figures from besides the store. */
export interface FigureSources {
  /** Each unit's snapshot: the windows it answers (and its overdue count) are taken from it. */
  snapshots?: ReadonlyMap<string, UnitSnapshot>;
  /**
   * `false`: the overdue count is read from the store even where a snapshot carries it. The clock
   * tick's held snapshots can be hours old for a quiet unit: their windows are still what the store
   * holds (only the aggregator changes it, and it publishes what changes), but a deadline passes
   * without one when the aggregator is down.
   */
  overdueFromSnapshots?: boolean;
  /**
   * `true`: a window this process read from the store before is judged on again, unless a
   * snapshot of the unit made since says it changed (KeptStoreReads) — the clock tick.
   */
  reuseStoreReads?: boolean;
}

/**
 * The observe stage's input: each unit's figures for the windows the rules use. What the unit's
 * snapshot on `tthc.metrics.units` carries (today, month-to-date, rolling 30 days, overdue open)
 * is taken from it — the batch's snapshots after metric changes, the latest held of each unit on
 * the clock tick (HeldSnapshots); only other windows, and units without a usable snapshot, are
 * read from the day counters and the dossiers, in one query each, and of the day rows only the
 * counts the rules read (`FigureNeeds.fields`: the others are 0 in a figure read from the store).
 *
 * A snapshot older than this process's last read of the store for that unit is not used for what
 * that read covered (the windows, the overdue count): a consumer that lags behind the tick would
 * otherwise judge a unit on figures the tick had already seen superseded, and flap an alert
 * back. The time is the snapshot's `asOf` (the aggregator's clock) against this process's clock,
 * so the guard is as good as the clocks agree.
 */
@Injectable()
export class UnitFiguresReader {
  // When this process last read each unit's windows, and its overdue count, from the store.
  private readonly windowsReadAt = new Map<string, number>();
  private readonly overdueReadAt = new Map<string, number>();
  /** Units whose windows were read from the store, since start (the clock tick logs it per tick). */
  unitsReadFromStore = 0;
  private readonly kept = new KeptStoreReads();

  constructor(private readonly dataSource: DataSource) {}

  /** No read made so far is judged on again (`reuseStoreReads`). */
  forgetStoreReads(): void {
    this.kept.clear();
  }

  async read(
    unitCodes: readonly string[],
    { spans, fields, overdue: withOverdue }: FigureNeeds,
    now: number,
    { snapshots = new Map(), overdueFromSnapshots = true, reuseStoreReads = false }: FigureSources = {},
  ): Promise<Map<string, UnitFigures>> {
    const readFields = fieldsKey(fields);
    const figures = new Map<string, UnitFigures>();
    const fromStore = new Map<string, WindowBounds[]>();
    const overdueFromStore: string[] = [];
    for (const code of unitCodes) {
      const snapshot = snapshots.get(code);
      // A snapshot without a readable time or overdue count is not trusted for anything (Date.parse gives NaN).
      const asOf = snapshot && typeof snapshot.overdueOpen === 'number' ? Date.parse(snapshot.asOf) : NaN;
      const unit: UnitFigures = { windows: new Map(), overdueOpen: 0 };
      figures.set(code, unit);
      let unanswered: WindowBounds[] = [...spans];
      if (asOf >= (this.windowsReadAt.get(code) ?? -Infinity)) {
        const { windows, missing } = figuresFromSnapshot(snapshot!, spans);
        unit.windows = windows;
        unanswered = missing;
      }
      if (reuseStoreReads) {
        unanswered = unanswered.filter((span) => {
          const found = this.kept.find(code, span, readFields, asOf);
          if (found?.counts) unit.windows.set(span.name, found.counts);
          return !found;
        });
      }
      if (unanswered.length > 0) fromStore.set(code, unanswered);
      if (overdueFromSnapshots && asOf >= (this.overdueReadAt.get(code) ?? -Infinity)) unit.overdueOpen = snapshot!.overdueOpen;
      else if (withOverdue) overdueFromStore.push(code);
    }
    const storeSpans = [...new Map([...fromStore.values()].flat().map((s) => [s.name, s])).values()];
    const [sums, overdue] = await Promise.all([
      storeSpans.length === 0 ? new Map<string, Map<string, WindowCounts>>() : sumWindowCounts(this.dataSource, storeSpans, [...fromStore.keys()], fields),
      overdueFromStore.length === 0 ? new Map<string, number>() : countOverdueOpenNow(this.dataSource, new Date(now), overdueFromStore),
    ]);
    this.unitsReadFromStore += fromStore.size;
    for (const [code, missing] of fromStore) {
      const unit = figures.get(code)!;
      for (const span of missing) {
        const sum = sums.get(code)?.get(span.name);
        if (sum) unit.windows.set(span.name, sum);
        this.kept.keep(code, span, readFields, now, sum);
      }
      this.windowsReadAt.set(code, now);
    }
    for (const code of overdueFromStore) {
      figures.get(code)!.overdueOpen = overdue.get(code) ?? 0;
      this.overdueReadAt.set(code, now);
    }
    return figures;
  }
}
