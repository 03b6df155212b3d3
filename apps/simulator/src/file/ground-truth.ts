import { type IndicatorCounts, type KeyedDayCounters, SATISFIED_FROM_SCORE, zeroCounters, zeroIndicatorCounts } from '@tthc/domain';
import type { FeedEvent, PlannedDossier } from '../feed/dossier-feed';
import { DAY_MS, localDayIndex } from '../feed/local-time';

/** One unit's counters on one local day (the fields of PRODUCT.md, "Metrics — definitions"). */
/** One unit's counters on one local day (Asia/Ho_Chi_Minh), the shape the pipeline stores. */
export type GroundTruthDay = KeyedDayCounters;

export type GroundTruthCounters = Omit<GroundTruthDay, 'unitCode' | 'day'>;

/** What the transport did to the clean feed on its way into the file. */
export interface TransportCounts {
  /** Distinct facts the feed generated: each goes into the file exactly once under its own eventId. */
  clean: number;
  /** Byte-identical copies of a line, later in the file (a source retrying a send). */
  duplicates: number;
  /** The same fact re-sent under a new eventId (a source re-emitting it): counts once. */
  resent: number;
  /** Lines moved a few hundred to a few thousand places later than their time order. */
  reordered: number;
  /** Lines held back hours to days of simulated time (or to the end of the file). */
  late: number;
  /** Truncated copies of a line (malformed JSON → DLQ). */
  malformed: number;
}

/** `ground-truth.json`: what a correct pipeline must report after consuming `events.ndjson`. */
export interface GroundTruth {
  seed: number;
  /** First and last local day of the period, inclusive. */
  from: string;
  to: string;
  rateScale: number;
  timeZone: 'Asia/Ho_Chi_Minh';
  /** Lines in events.ndjson (= Kafka records). */
  lines: number;
  transport: TransportCounts;
  /** What ingest must end up with: distinct eventIds in the raw log, and DLQ records. */
  expected: { rawEvents: number; dlq: number; validated: number };
  totals: GroundTruthCounters;
  /** Non-zero (unit, day) rows, sorted by unit then day. */
  days: GroundTruthDay[];
  /** Share of the units whose source speaks contract v2 (issue 15). */
  v2Share: number;
  /** The period's indicator totals (issue 15) from the same model: every IndicatorCounts field but the gauges. */
  indicatorTotals: GroundTruthIndicators;
}

/** The indicator counts a ground truth carries: all but the open/overdue gauge changes. */
export type GroundTruthIndicators = Omit<IndicatorCounts, 'openChange' | 'overdueChange'>;

/** Zeros are not counting: the field sets come from the domain, the counts below stay the simulator's own. */
export function zeroGroundTruthIndicators(): GroundTruthIndicators {
  const { openChange: _open, overdueChange: _overdue, ...counts } = zeroIndicatorCounts();
  return counts;
}

export function zeroGroundTruthCounters(): GroundTruthCounters {
  return zeroCounters();
}

const isoDay = (dayIndex: number): string => new Date(dayIndex * DAY_MS).toISOString().slice(0, 10);

/**
 * Counts the facts of the clean feed from the simulator's own dossier model (the planned
 * receipt time, channel, resolution time and deadline), not from the wire events and not with
 * the pipeline's fold: it is the independent reference the benchmark checks the pipeline against.
 * Each planned fact is handed over once, when the feed emits its (only) clean event.
 */
export class GroundTruthTally {
  private readonly rows = new Map<string, GroundTruthDay>();
  private readonly indicators = zeroGroundTruthIndicators();

  record(event: FeedEvent, dossier: Readonly<PlannedDossier>): void {
    const type = event.value.type;
    this.recordIndicators(type, dossier);
    if (type === 'RECEIVED') {
      const row = this.row(dossier.unitCode, dossier.receivedAt);
      row.receivedTotal++;
      if (dossier.channel === 'ONLINE') row.receivedOnline++;
      else row.receivedDirect++;
    } else if (type === 'RESOLVED') {
      const resolvedAt = dossier.resolvedAt as number;
      const row = this.row(dossier.unitCode, resolvedAt);
      row.resolvedTotal++;
      if (resolvedAt <= dossier.dueAt) row.resolvedOnTime++;
      else row.resolvedLate++;
    }
    // LATE flags feed the overdue gauge, not the day counters.
  }

  /** The indicator totals of everything recorded, from the planned dossier (receipt, deadline, v2 plan). */
  indicatorTotals(): GroundTruthIndicators {
    return { ...this.indicators };
  }

  private recordIndicators(type: FeedEvent['value']['type'], d: Readonly<PlannedDossier>): void {
    const t = this.indicators;
    const v2 = d.v2;
    switch (type) {
      case 'RECEIVED':
        t.receivedTotal++;
        if (d.channel === 'ONLINE') t.receivedOnline++;
        else t.receivedDirect++;
        if (v2) {
          t.receivedV2++;
          if (v2.fullyOnline) t.fullyOnline++;
          if (v2.componentsDigitized) t.componentsDigitized++;
        }
        return;
      case 'RESOLVED': {
        const at = d.resolvedAt as number;
        t.resolvedTotal++;
        if (at <= d.dueAt) {
          t.resolvedOnTime++;
          if (localDayIndex(at) < localDayIndex(d.dueAt)) t.resolvedAhead++;
        } else t.resolvedLate++;
        if (d.receivedAt <= at) {
          t.handlingCount++;
          t.handlingMsSum += at - d.receivedAt;
        }
        if (v2) {
          t.resolvedV2++;
          if (v2.resultElectronic) t.resultElectronic++;
          if (v2.resultDigitized) t.resultDigitized++;
          if (v2.dataReused) t.dataReused++;
        }
        return;
      }
      case 'PAID':
        if (v2?.payment?.method === 'ONLINE') t.paidOnline++;
        else t.paidCounter++;
        return;
      case 'RATED':
        t.ratedCount++;
        t.ratingSum += v2!.rating!.score;
        if (v2!.rating!.score >= SATISFIED_FROM_SCORE) t.ratedSatisfied++;
        return;
      case 'FEEDBACK_RECEIVED':
        t.feedbackReceived++;
        return;
      case 'FEEDBACK_RESOLVED':
        if (v2!.feedback!.resolvedAt <= v2!.feedback!.dueAt) t.feedbackResolvedOnTime++;
        else t.feedbackResolvedLate++;
        return;
      case 'WITHDRAWN':
        t.withdrawn++;
        return;
      default:
    }
  }

  days(): GroundTruthDay[] {
    return [...this.rows.values()].sort((a, b) => (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }

  totals(): GroundTruthCounters {
    const t = zeroGroundTruthCounters();
    for (const r of this.rows.values()) {
      t.receivedTotal += r.receivedTotal;
      t.receivedOnline += r.receivedOnline;
      t.receivedDirect += r.receivedDirect;
      t.resolvedTotal += r.resolvedTotal;
      t.resolvedOnTime += r.resolvedOnTime;
      t.resolvedLate += r.resolvedLate;
    }
    return t;
  }

  private row(unitCode: string, at: number): GroundTruthDay {
    const day = isoDay(localDayIndex(at));
    const key = `${unitCode}|${day}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { unitCode, day, ...zeroGroundTruthCounters() };
      this.rows.set(key, row);
    }
    return row;
  }
}
