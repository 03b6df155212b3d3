/**
 * Issue 15: v2 facts count once however often, and in whatever order, events arrive — checked
 * the way the v1 fold is (dossier-fold.property.spec.ts): against a deliberately naive reference
 * model written here, independently of the code under test, over arbitrary streams with
 * duplicates, re-sends under new eventIds (with different v2 values), reordering, batching and a
 * replay of the whole stream.
 */
import fc from 'fast-check';
import { CounterDeltaAccumulator } from '../day-counters';
import type { Channel, DossierEvent, DossierEventType, PaymentMethod } from '../dossier-event';
import { type DossierState, applyDossierEvent } from '../dossier-fold';
import { INDICATOR_FIELDS, type IndicatorCounts, zeroIndicatorCounts } from './indicator-counts';
import { IndicatorDeltaAccumulator, indicatorChange } from './indicator-fold';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Local midnight starting 2025-07-02 (17:00 UTC on 1 July). */
const BASE = Date.UTC(2025, 6, 1, 17, 0, 0);

// ---------------------------------------------------------------------------------------------
// Reference model: group the distinct events by dossier, take the earliest of each type, count.
// ---------------------------------------------------------------------------------------------

type Table = Record<string, IndicatorCounts>;

/** Local day in Asia/Ho_Chi_Minh (fixed UTC+7), computed independently of local-day.ts. */
const refDay = (ms: number) => new Date(ms + 7 * HOUR).toISOString().slice(0, 10);
/** The last millisecond of the local day `day`. */
const endOfRefDay = (day: string) => Date.parse(`${day}T00:00:00Z`) - 7 * HOUR + DAY - 1;

const earlier = (a: DossierEvent, b: DossierEvent) => a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.eventId < b.eventId);

function referenceTable(events: readonly DossierEvent[], days: readonly string[]): Table {
  const byDossier = new Map<string, DossierEvent[]>();
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    const key = `${e.unitCode}|${e.dossierId}`;
    byDossier.set(key, [...(byDossier.get(key) ?? []), e]);
  }
  const table: Table = {};
  const add = (unit: string, proc: string, ms: number, field: keyof IndicatorCounts, by = 1) => {
    const row = (table[`${unit}|${proc}|${refDay(ms)}`] ??= zeroIndicatorCounts());
    row[field] += by;
  };
  for (const evs of byDossier.values()) {
    const first = (type: DossierEventType) => evs.filter((e) => e.type === type).reduce<DossierEvent | undefined>((w, e) => (!w || earlier(e, w) ? e : w), undefined);
    const rc = first('RECEIVED');
    const rs = first('RESOLVED');
    const late = first('LATE');
    // The procedure: the winning RECEIVED's, else the earliest event's.
    const proc = (rc ?? evs.reduce((w, e) => (earlier(e, w) ? e : w))).procedureCode;
    const unit = evs[0].unitCode;
    if (rc) {
      add(unit, proc, rc.occurredAt, 'receivedTotal');
      add(unit, proc, rc.occurredAt, rc.channel === 'ONLINE' ? 'receivedOnline' : 'receivedDirect');
      if (rc.schemaVersion === 2) {
        add(unit, proc, rc.occurredAt, 'receivedV2');
        if (rc.fullyOnline) add(unit, proc, rc.occurredAt, 'fullyOnline');
        if (rc.componentsDigitized) add(unit, proc, rc.occurredAt, 'componentsDigitized');
      }
    }
    if (rs) {
      const onTime = rs.occurredAt <= rs.dueAt;
      add(unit, proc, rs.occurredAt, 'resolvedTotal');
      add(unit, proc, rs.occurredAt, onTime ? 'resolvedOnTime' : 'resolvedLate');
      if (onTime && refDay(rs.occurredAt) < refDay(rs.dueAt)) add(unit, proc, rs.occurredAt, 'resolvedAhead');
      if (rc && rc.occurredAt <= rs.occurredAt) {
        add(unit, proc, rs.occurredAt, 'handlingCount');
        add(unit, proc, rs.occurredAt, 'handlingMsSum', rs.occurredAt - rc.occurredAt);
      }
      if (rs.schemaVersion === 2) {
        add(unit, proc, rs.occurredAt, 'resolvedV2');
        if (rs.resultElectronic) add(unit, proc, rs.occurredAt, 'resultElectronic');
        if (rs.resultDigitized) add(unit, proc, rs.occurredAt, 'resultDigitized');
        if (rs.dataReused) add(unit, proc, rs.occurredAt, 'dataReused');
      }
    }
    const paid = first('PAID');
    if (paid) add(unit, proc, paid.occurredAt, paid.method === 'ONLINE' ? 'paidOnline' : 'paidCounter');
    const rated = first('RATED');
    if (rated) {
      add(unit, proc, rated.occurredAt, 'ratedCount');
      add(unit, proc, rated.occurredAt, 'ratingSum', rated.score);
      if (rated.score! >= 4) add(unit, proc, rated.occurredAt, 'ratedSatisfied');
    }
    const fb = first('FEEDBACK_RECEIVED');
    if (fb) add(unit, proc, fb.occurredAt, 'feedbackReceived');
    const fbr = first('FEEDBACK_RESOLVED');
    if (fbr) add(unit, proc, fbr.occurredAt, fbr.occurredAt <= fbr.dueAt ? 'feedbackResolvedOnTime' : 'feedbackResolvedLate');
    const wd = first('WITHDRAWN');
    if (wd) add(unit, proc, wd.occurredAt, 'withdrawn');
    // Gauges by brute force: open/overdue at the end of every day, and their day-to-day change.
    const opened = rc ?? late;
    const gauge = (t: number) => {
      if (!opened || opened.occurredAt > t || (rs && rs.occurredAt <= t)) return { open: 0, overdue: 0 };
      return { open: 1, overdue: (late && late.occurredAt <= t) || t > opened.dueAt ? 1 : 0 };
    };
    let prev = { open: 0, overdue: 0 };
    for (const day of days) {
      const g = gauge(endOfRefDay(day));
      const at = endOfRefDay(day);
      if (g.open !== prev.open) add(unit, proc, at, 'openChange', g.open - prev.open);
      if (g.overdue !== prev.overdue) add(unit, proc, at, 'overdueChange', g.overdue - prev.overdue);
      prev = g;
    }
  }
  return nonZero(table);
}

function nonZero(t: Table): Table {
  return Object.fromEntries(Object.entries(t).filter(([, c]) => INDICATOR_FIELDS.some((f) => c[f] !== 0)));
}

// ---------------------------------------------------------------------------------------------
// System under test, driven as the aggregator drives it: per batch, load → fold → retract/add
// ---------------------------------------------------------------------------------------------

class Aggregator {
  private readonly states = new Map<string, DossierState>();
  readonly table: Table = {};

  batch(events: readonly DossierEvent[]): void {
    const before = new Map(this.states);
    const changed = new Set<string>();
    const scratch = new CounterDeltaAccumulator();
    for (const e of events) {
      const key = `${e.unitCode}|${e.dossierId}`;
      const next = applyDossierEvent(this.states.get(key), e, scratch);
      if (next !== this.states.get(key)) {
        this.states.set(key, next);
        changed.add(key);
      }
    }
    const acc = new IndicatorDeltaAccumulator();
    for (const key of changed) indicatorChange(acc, before.get(key), this.states.get(key));
    for (const d of acc.deltas()) {
      const row = (this.table[`${d.unitCode}|${d.procedureCode}|${d.day}`] ??= zeroIndicatorCounts());
      for (const f of INDICATOR_FIELDS) row[f] += d.counts[f];
    }
  }

  run(events: readonly DossierEvent[], sizes: readonly number[]): void {
    for (let i = 0, b = 0; i < events.length; b++) {
      const size = sizes.length ? sizes[b % sizes.length] : events.length;
      this.batch(events.slice(i, i + size));
      i += size;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const TYPES: DossierEventType[] = ['RECEIVED', 'RECEIVED', 'RESOLVED', 'RESOLVED', 'LATE', 'PAID', 'RATED', 'FEEDBACK_RECEIVED', 'FEEDBACK_RESOLVED', 'WITHDRAWN'];

const instantArb = fc.oneof(
  fc.tuple(fc.integer({ min: -1, max: 5 }), fc.integer({ min: -2_000, max: 2_000 })).map(([d, ms]) => BASE + d * DAY + ms),
  fc.integer({ min: BASE - DAY, max: BASE + 5 * DAY }),
  fc.constantFrom(BASE, BASE - 1, BASE + 2 * DAY + 7 * HOUR, BASE + 3 * DAY - 1),
);

/** One emitted event's content (its eventId is given later, unique). */
const contentArb = fc.record({
  type: fc.constantFrom(...TYPES),
  unitCode: fc.constantFrom('28756', '28777'),
  dossierId: fc.constantFrom('D-1', 'D-2', 'D-3', 'D-4'),
  procedureCode: fc.constantFrom('1.001612', '2.000889'),
  occurredAt: instantArb,
  dueOffset: fc.oneof(fc.constant(0), fc.integer({ min: -1, max: 1 }), fc.integer({ min: -3 * DAY, max: 6 * DAY })),
  channel: fc.constantFrom<Channel>('ONLINE', 'DIRECT'),
  v2: fc.boolean(),
  flags: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
  method: fc.constantFrom<PaymentMethod>('ONLINE', 'COUNTER'),
  score: fc.integer({ min: 1, max: 5 }),
});

type Content = typeof contentArb extends fc.Arbitrary<infer T> ? T : never;

function toEvent(c: Content, eventId: string): DossierEvent {
  const e: DossierEvent = {
    eventId,
    type: c.type,
    dossierId: c.dossierId,
    unitCode: c.unitCode,
    procedureCode: c.procedureCode,
    occurredAt: c.occurredAt,
    dueAt: c.occurredAt + c.dueOffset,
  };
  if (c.type === 'RECEIVED') e.channel = c.channel;
  // PAID, RATED and the rest exist only in v2; RECEIVED/RESOLVED come as v1 or v2.
  const v2 = c.v2 || !['RECEIVED', 'RESOLVED', 'LATE'].includes(c.type);
  if (!v2) return e;
  e.schemaVersion = 2;
  if (c.type === 'RECEIVED') Object.assign(e, { fullyOnline: c.flags[0], componentsDigitized: c.flags[1] });
  if (c.type === 'RESOLVED') Object.assign(e, { resultElectronic: c.flags[0], resultDigitized: c.flags[1], dataReused: c.flags[2] });
  if (c.type === 'PAID') e.method = c.method;
  if (c.type === 'RATED') e.score = c.score;
  return e;
}

/** Distinct events; a re-send is the same (dossier, type) with new content and a new eventId. */
const distinctArb = fc
  .array(fc.tuple(contentArb, fc.array(fc.tuple(fc.oneof(fc.constant(0), fc.integer({ min: -2 * DAY, max: 2 * DAY })), contentArb), { maxLength: 2 })), { minLength: 1, maxLength: 30 })
  .chain((specs) => {
    const n = specs.reduce((k, [, resends]) => k + 1 + resends.length, 0);
    return fc.uniqueArray(fc.uuid(), { minLength: n, maxLength: n }).map((ids) => {
      const out: DossierEvent[] = [];
      let i = 0;
      for (const [c, resends] of specs) {
        out.push(toEvent(c, ids[i++]));
        for (const [shift, other] of resends) {
          out.push(toEvent({ ...other, type: c.type, unitCode: c.unitCode, dossierId: c.dossierId, occurredAt: c.occurredAt + shift }, ids[i++]));
        }
      }
      return out;
    });
  });

const scenarioArb = distinctArb.chain((events) =>
  fc.record({
    events: fc.constant(events),
    delivered: fc
      .array(fc.nat({ max: events.length - 1 }), { maxLength: events.length })
      .map((dups) => [...events, ...dups.map((i) => events[i])])
      .chain((all) => fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length })),
    sizes: fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 5 }),
  }),
);

/** Every local day the generated instants (and deadlines) can reach, and a margin. */
const DAYS = Array.from({ length: 20 }, (_, i) => refDay(BASE + (i - 6) * DAY));

describe('indicator fold over arbitrary v1 + v2 streams', () => {
  it('matches the reference model whatever the order, duplicates, re-sends and batching', () => {
    fc.assert(
      fc.property(scenarioArb, ({ events, delivered, sizes }) => {
        const agg = new Aggregator();
        agg.run(delivered, sizes);
        expect(nonZero(agg.table)).toEqual(referenceTable(events, DAYS));
      }),
      { numRuns: 400 },
    );
  });

  it('a replay of the whole stream after it changes nothing', () => {
    fc.assert(
      fc.property(scenarioArb, ({ events, delivered, sizes }) => {
        const agg = new Aggregator();
        agg.run(delivered, sizes);
        const once = JSON.stringify(nonZero(agg.table));
        agg.run([...events].reverse(), [7]);
        expect(JSON.stringify(nonZero(agg.table))).toBe(once);
      }),
      { numRuns: 150 },
    );
  });
});

describe('zeroIndicatorCounts', () => {
  it('has every field of INDICATOR_FIELDS (the columns written) at zero, and nothing else', () => {
    expect(Object.keys(zeroIndicatorCounts()).sort()).toEqual([...INDICATOR_FIELDS].sort());
    expect(Object.values(zeroIndicatorCounts()).every((v) => v === 0)).toBe(true);
  });
});
