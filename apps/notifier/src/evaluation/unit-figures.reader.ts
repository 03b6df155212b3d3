import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UnitSnapshot } from '@tthc/contracts';
import type { WindowCounts } from '@tthc/domain';
import { type WindowBounds, countOverdueOpenNow, sumWindowCounts } from '@tthc/persistence';
import type { FigureNeeds } from './observation.stage';
import { type UnitFigures, figuresFromSnapshot } from './snapshot-figures';

/**
 * The observe stage's input: each unit's figures for the windows the rules use. What the unit's
 * snapshot on `tthc.metrics.units` carries (today, month-to-date, rolling 30 days, overdue open)
 * is taken from it; only other windows, or units without a usable snapshot (the clock tick), are
 * read from the day counters and the dossiers, in one query each, and of the day rows only the
 * counts the rules read (`FigureNeeds.fields`: the others are 0 in a figure read from the store).
 *
 * A snapshot older than this process's last read of the store for that unit is not used: a
 * consumer that lags behind the tick would otherwise judge a unit on figures the tick had already
 * seen superseded, and flap an alert back. The time is the snapshot's `asOf` (the aggregator's
 * clock) against this process's clock, so the guard is as good as the clocks agree.
 */
@Injectable()
export class UnitFiguresReader {
  private readonly storeReadAt = new Map<string, number>();

  constructor(private readonly dataSource: DataSource) {}

  async read(
    unitCodes: readonly string[],
    { spans, fields, overdue: withOverdue }: FigureNeeds,
    now: number,
    snapshots: ReadonlyMap<string, UnitSnapshot> = new Map(),
  ): Promise<Map<string, UnitFigures>> {
    const figures = new Map<string, UnitFigures>();
    const fromStore = new Map<string, WindowBounds[]>();
    const overdueFromStore: string[] = [];
    for (const code of unitCodes) {
      const snapshot = snapshots.get(code);
      // A snapshot without a readable time or overdue count is not trusted for anything (Date.parse gives NaN).
      if (snapshot && typeof snapshot.overdueOpen === 'number' && Date.parse(snapshot.asOf) >= (this.storeReadAt.get(code) ?? -Infinity)) {
        const { windows, missing } = figuresFromSnapshot(snapshot, spans);
        figures.set(code, { windows, overdueOpen: snapshot.overdueOpen });
        if (missing.length > 0) fromStore.set(code, missing);
      } else {
        figures.set(code, { windows: new Map(), overdueOpen: 0 });
        if (spans.length > 0) fromStore.set(code, [...spans]);
        if (withOverdue) overdueFromStore.push(code);
      }
    }
    const storeSpans = [...new Map([...fromStore.values()].flat().map((s) => [s.name, s])).values()];
    const [sums, overdue] = await Promise.all([
      storeSpans.length === 0 ? new Map<string, Map<string, WindowCounts>>() : sumWindowCounts(this.dataSource, storeSpans, [...fromStore.keys()], fields),
      overdueFromStore.length === 0 ? new Map<string, number>() : countOverdueOpenNow(this.dataSource, new Date(now), overdueFromStore),
    ]);
    for (const [code, missing] of fromStore) {
      const unit = figures.get(code)!;
      for (const span of missing) {
        const sum = sums.get(code)?.get(span.name);
        if (sum) unit.windows.set(span.name, sum);
      }
    }
    for (const code of overdueFromStore) figures.get(code)!.overdueOpen = overdue.get(code) ?? 0;
    for (const code of new Set([...fromStore.keys(), ...overdueFromStore])) this.storeReadAt.set(code, now);
    return figures;
  }
}
