import type { DataSource } from 'typeorm';
import {
  CounterDeltaAccumulator,
  type CounterDifference,
  type DossierEvent,
  type DossierState,
  type LocalDate,
  addDays,
  countDossierFacts,
  diffDayCounters,
  foldDossier,
  IndicatorDeltaAccumulator,
  type IndicatorDifference,
  countIndicatorFacts,
  diffIndicatorRows,
  indicatorChange,
  startOfLocalDay,
} from '@tthc/domain';
import {
  applyCounterDeltas,
  closeBatchGate,
  dossierKey,
  loadDossiers,
  rawEventsOfDossiersActiveBetween,
  applyIndicatorDeltas,
  replaceDayCounters,
  replaceIndicatorRows,
  saveDossiers,
  storedDayCounters,
  storedIndicatorRows,
  unitsWithEventsBetween,
} from '@tthc/persistence';

export interface CounterChange {
  unitCode: string;
  day: LocalDate;
  field: CounterDifference['field'];
  before: number;
  after: number;
}

export interface ReplayReport {
  from: LocalDate;
  to: LocalDate;
  dossiersRebuilt: number;
  dossiersChanged: number;
  /** What changed in the period's counters: the stored value before, the rebuilt value after. */
  counterChanges: CounterChange[];
  /** What changed in the period's indicator rows (issue 15), likewise. */
  indicatorChanges: (Omit<IndicatorDifference, 'expected' | 'actual'> & { before: number; after: number })[];
  /** Corrections outside the period, from dossiers whose facts moved across its edge. */
  correctionsOutsidePeriod: number;
}

/** JSON with keys in sorted order: a state's fields may be set in any order (the fold's, or the database row's). */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
const sameState = (a: DossierState | undefined, b: DossierState | undefined) => canonical(a) === canonical(b);

/**
 * Rebuilds a period from the raw event log while the pipeline keeps running.
 *
 * Per unit, in one transaction holding the aggregator's batch gate exclusively (its batches
 * wait, none is lost): read every raw event of the dossiers active in the period in one
 * statement, refold those dossiers from nothing, and derive the period's counters from exactly
 * those rebuilt states; correct the days outside the period where a dossier's facts moved.
 * States and counters come from one snapshot of the log, so an event the aggregator applies
 * afterwards is either already in a rebuilt state (a no-op) or counted once on top; a second
 * run changes nothing.
 *
 * Known window: an event the aggregator applied in the milliseconds between ingest's Kafka send
 * and its raw-log commit is not yet in the log; if it is its dossier's only event in the period
 * its count is dropped. `verify` afterwards shows it, and a second replay restores it.
 */
export async function replayPeriod(dataSource: DataSource, aggregatorGroup: string, from: LocalDate, to: LocalDate, unitCodes?: string[]): Promise<ReplayReport> {
  const fromMs = startOfLocalDay(from);
  const toMs = startOfLocalDay(addDays(to, 1));
  // Units with counters in the period but no events in it must be cleared too.
  const stored = await storedDayCounters(dataSource, from, to, unitCodes);
  const storedIndicators = await storedIndicatorRows(dataSource, from, to, unitCodes);
  const withEvents = await unitsWithEventsBetween(dataSource, fromMs, toMs, unitCodes);
  const units = [...new Set([...withEvents, ...stored.map((r) => r.unitCode), ...storedIndicators.map((r) => r.unitCode)])].sort();

  const report: ReplayReport = { from, to, dossiersRebuilt: 0, dossiersChanged: 0, counterChanges: [], indicatorChanges: [], correctionsOutsidePeriod: 0 };
  for (const unitCode of units) {
    await dataSource.transaction(async (tx) => {
      await closeBatchGate(tx, aggregatorGroup);
      const events = await rawEventsOfDossiersActiveBetween(tx, unitCode, fromMs, toMs);
      const eventsByDossier = new Map<string, DossierEvent[]>();
      for (const e of events) eventsByDossier.set(dossierKey(e), [...(eventsByDossier.get(dossierKey(e)) ?? []), e]);
      const old = await loadDossiers(
        tx,
        [...eventsByDossier.values()].map((es) => es[0]),
      );

      const rebuiltFacts = new CounterDeltaAccumulator();
      const moved = new CounterDeltaAccumulator();
      const rebuiltIndicators = new IndicatorDeltaAccumulator();
      const movedIndicators = new IndicatorDeltaAccumulator();
      const changed: DossierState[] = [];
      for (const [key, dossierEvents] of eventsByDossier) {
        const rebuilt = foldDossier(dossierEvents)!;
        countDossierFacts(rebuiltFacts, rebuilt, 1);
        countIndicatorFacts(rebuiltIndicators, rebuilt, 1);
        const before = old.get(key);
        if (sameState(before, rebuilt)) continue;
        if (before) countDossierFacts(moved, before, -1);
        countDossierFacts(moved, rebuilt, 1);
        indicatorChange(movedIndicators, before, rebuilt);
        changed.push(rebuilt);
      }
      report.dossiersRebuilt += eventsByDossier.size;
      report.dossiersChanged += changed.length;
      await saveDossiers(tx, changed, old);

      const inPeriod = (day: LocalDate) => day >= from && day <= to;
      const outside = moved.deltas().filter((d) => !inPeriod(d.day));
      await applyCounterDeltas(tx, outside);
      const indicatorsOutside = movedIndicators.deltas().filter((d) => !inPeriod(d.day));
      await applyIndicatorDeltas(tx, indicatorsOutside);
      report.correctionsOutsidePeriod += outside.length + indicatorsOutside.length;

      const rebuiltRows = rebuiltFacts.deltas().filter((d) => inPeriod(d.day));
      const before = await storedDayCounters(tx, from, to, [unitCode]);
      const after = rebuiltRows.map((d) => ({ unitCode: d.unitCode, day: d.day, ...d.counters }));
      for (const d of diffDayCounters(before, after)) {
        report.counterChanges.push({ unitCode: d.unitCode, day: d.day, field: d.field, before: d.expected, after: d.actual });
      }
      await replaceDayCounters(tx, unitCode, from, to, rebuiltRows);

      const rebuiltIndicatorRows = rebuiltIndicators.deltas().filter((d) => inPeriod(d.day));
      const indicatorsBefore = await storedIndicatorRows(tx, from, to, [unitCode]);
      const indicatorsAfter = rebuiltIndicatorRows.map((d) => ({ unitCode: d.unitCode, procedureCode: d.procedureCode, day: d.day, ...d.counts }));
      for (const { expected, actual, ...d } of diffIndicatorRows(indicatorsBefore, indicatorsAfter)) {
        report.indicatorChanges.push({ ...d, before: expected, after: actual });
      }
      await replaceIndicatorRows(tx, unitCode, from, to, rebuiltIndicatorRows);
    });
  }
  return report;
}
