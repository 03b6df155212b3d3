/**
 * The property PRODUCT.md's "Metrics — definitions" demands: facts count once however often,
 * and in whatever order, events arrive. The fold is checked against a deliberately naive
 * reference model written here, independently of the code under test.
 */
import fc from 'fast-check';
import { CounterDeltaAccumulator } from './day-counters';
import type { Channel, DossierEvent, DossierEventType } from './dossier-event';
import { applyDossierEvent, type DossierState, overdueChangeFrom } from './dossier-fold';

// ---------------------------------------------------------------------------------------------
// Reference model
// ---------------------------------------------------------------------------------------------

interface Totals {
  receivedTotal: number;
  receivedOnline: number;
  receivedDirect: number;
  resolvedTotal: number;
  resolvedOnTime: number;
  resolvedLate: number;
}

/** Rows keyed `${unitCode}|${localDay}`. */
type Table = Record<string, Totals>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Local day in Asia/Ho_Chi_Minh (fixed UTC+7), computed independently of local-day.ts. */
function refLocalDay(ms: number): string {
  return new Date(ms + 7 * 3600e3).toISOString().slice(0, 10);
}

function emptyTotals(): Totals {
  return { receivedTotal: 0, receivedOnline: 0, receivedDirect: 0, resolvedTotal: 0, resolvedOnTime: 0, resolvedLate: 0 };
}

function earliest(a: DossierEvent | undefined, b: DossierEvent): DossierEvent {
  if (!a) return b;
  if (b.occurredAt !== a.occurredAt) return b.occurredAt < a.occurredAt ? b : a;
  return b.eventId < a.eventId ? b : a;
}

function referenceTotals(events: readonly DossierEvent[]): Table {
  const unique = new Map<string, DossierEvent>();
  for (const e of events) if (!unique.has(e.eventId)) unique.set(e.eventId, e);

  const dossiers = new Map<string, { unit: string; received?: DossierEvent; resolved?: DossierEvent }>();
  for (const e of unique.values()) {
    const key = `${e.unitCode}|${e.dossierId}`;
    const d = dossiers.get(key) ?? { unit: e.unitCode };
    if (e.type === 'RECEIVED') d.received = earliest(d.received, e);
    if (e.type === 'RESOLVED') d.resolved = earliest(d.resolved, e);
    dossiers.set(key, d);
  }

  const table: Table = {};
  const row = (unit: string, ms: number): Totals => (table[`${unit}|${refLocalDay(ms)}`] ??= emptyTotals());
  for (const d of dossiers.values()) {
    if (d.received) {
      const r = row(d.unit, d.received.occurredAt);
      r.receivedTotal += 1;
      if (d.received.channel === 'ONLINE') r.receivedOnline += 1;
      if (d.received.channel === 'DIRECT') r.receivedDirect += 1;
    }
    if (d.resolved) {
      const r = row(d.unit, d.resolved.occurredAt);
      r.resolvedTotal += 1;
      if (d.resolved.occurredAt <= d.resolved.dueAt) r.resolvedOnTime += 1;
      else r.resolvedLate += 1;
    }
  }
  return table;
}

/**
 * Open and overdue dossiers of `unit` at instant `at`, straight from PRODUCT.md: open = received
 * (or flagged LATE) by `at` and not resolved by `at`; overdue = open and past the deadline of the
 * fact that opened it, or flagged LATE by `at`. Canonical facts are the earliest events.
 */
function referenceGauges(events: readonly DossierEvent[], unit: string, at: number): { open: number; overdue: number } {
  const byDossier = new Map<string, { received?: DossierEvent; resolved?: DossierEvent; late?: DossierEvent }>();
  for (const e of events) {
    if (e.unitCode !== unit) continue;
    const d = byDossier.get(e.dossierId) ?? {};
    if (e.type === 'RECEIVED') d.received = earliest(d.received, e);
    if (e.type === 'RESOLVED') d.resolved = earliest(d.resolved, e);
    if (e.type === 'LATE') d.late = earliest(d.late, e);
    byDossier.set(e.dossierId, d);
  }
  let open = 0;
  let overdue = 0;
  for (const d of byDossier.values()) {
    const opened = d.received ?? d.late;
    if (!opened || opened.occurredAt > at) continue;
    if (d.resolved && d.resolved.occurredAt <= at) continue;
    open += 1;
    if ((d.late && d.late.occurredAt <= at) || at > opened.dueAt) overdue += 1;
  }
  return { open, overdue };
}

// ---------------------------------------------------------------------------------------------
// System under test, driven the way the aggregator drives it: batches, one accumulator each
// ---------------------------------------------------------------------------------------------

class Folder {
  readonly states = new Map<string, DossierState>();
  readonly totals: Table = {};

  /** Folds one batch; returns how many non-zero deltas it produced. */
  foldBatch(batch: readonly DossierEvent[]): number {
    const acc = new CounterDeltaAccumulator();
    for (const e of batch) {
      const key = `${e.unitCode}|${e.dossierId}`;
      this.states.set(key, applyDossierEvent(this.states.get(key), e, acc));
    }
    const deltas = acc.deltas();
    for (const d of deltas) {
      const row = (this.totals[`${d.unitCode}|${d.day}`] ??= emptyTotals());
      for (const f of Object.keys(row) as (keyof Totals)[]) row[f] += d.counters[f];
    }
    return deltas.length;
  }

  foldAll(events: readonly DossierEvent[], batchSizes: readonly number[]): number {
    let produced = 0;
    let i = 0;
    let b = 0;
    while (i < events.length) {
      const size = batchSizes.length > 0 ? batchSizes[b++ % batchSizes.length] : events.length;
      produced += this.foldBatch(events.slice(i, i + size));
      i += size;
    }
    return produced;
  }

  /** Totals without all-zero rows. */
  nonZero(): Table {
    return Object.fromEntries(Object.entries(this.totals).filter(([, t]) => Object.values(t).some((v) => v !== 0)));
  }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/** Local midnight starting 2025-07-02 (17:00 UTC on 1 July); events spread over ~5 days. */
const BASE = Date.UTC(2025, 6, 1, 17, 0, 0);

const instantArb: fc.Arbitrary<number> = fc.oneof(
  // Right around local midnight (17:00Z), where a UTC-day bug would show.
  fc.tuple(fc.integer({ min: -1, max: 5 }), fc.integer({ min: -2_000, max: 2_000 })).map(([d, ms]) => BASE + d * DAY + ms),
  // Anywhere within the days.
  fc.integer({ min: BASE - DAY, max: BASE + 5 * DAY }),
  // A few fixed instants so that occurredAt ties happen and the eventId tie-break matters.
  fc.constantFrom(BASE, BASE - 1, BASE + 2 * DAY + 7 * HOUR, BASE + 3 * DAY - 1),
);

const dueOffsetArb: fc.Arbitrary<number> = fc.oneof(fc.constant(0), fc.integer({ min: -1, max: 1 }), fc.integer({ min: -3 * DAY, max: 6 * DAY }));

interface EventSpec {
  type: DossierEventType;
  unitCode: string;
  dossierId: string;
  occurredAt: number;
  dueAt: number;
  channel: Channel;
  /** Re-sends of the same fact under a new eventId, each shifted by this many ms (0 = a tie). */
  resendShifts: number[];
  resendChannels: Channel[];
}

const channelArb = fc.constantFrom<Channel>('ONLINE', 'DIRECT');

const specArb: fc.Arbitrary<EventSpec> = fc
  .record({
    type: fc.constantFrom<DossierEventType>('RECEIVED', 'RECEIVED', 'RESOLVED', 'RESOLVED', 'LATE'),
    unitCode: fc.constantFrom('28756', '28777'),
    dossierId: fc.constantFrom('D-1', 'D-2', 'D-3', 'D-4'),
    occurredAt: instantArb,
    dueOffset: dueOffsetArb,
    channel: channelArb,
    resendShifts: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: -2 * DAY, max: 2 * DAY })), { maxLength: 2 }),
    resendChannels: fc.array(channelArb, { minLength: 2, maxLength: 2 }),
  })
  .map(({ dueOffset, ...s }) => ({ ...s, dueAt: s.occurredAt + dueOffset }));

function makeEvent(spec: EventSpec, eventId: string, occurredAt: number, channel: Channel): DossierEvent {
  return {
    eventId,
    type: spec.type,
    dossierId: spec.dossierId,
    unitCode: spec.unitCode,
    procedureCode: '1.001612',
    occurredAt,
    dueAt: spec.dueAt,
    ...(spec.type === 'RECEIVED' ? { channel } : {}),
  };
}

/** The distinct events a source emitted (unique eventIds, re-sends included). */
const distinctEventsArb: fc.Arbitrary<DossierEvent[]> = fc.array(specArb, { minLength: 1, maxLength: 40 }).chain((specs) => {
  const count = specs.reduce((n, s) => n + 1 + s.resendShifts.length, 0);
  return fc.uniqueArray(fc.uuid(), { minLength: count, maxLength: count }).map((ids) => {
    const events: DossierEvent[] = [];
    let i = 0;
    for (const s of specs) {
      events.push(makeEvent(s, ids[i++], s.occurredAt, s.channel));
      s.resendShifts.forEach((shift, k) => {
        events.push(makeEvent(s, ids[i++], s.occurredAt + shift, s.resendChannels[k]));
      });
    }
    return events;
  });
});

/** What the aggregator sees: the distinct events plus redelivered copies, in any order. */
const scenarioArb = distinctEventsArb.chain((events) =>
  fc
    .array(fc.nat({ max: events.length - 1 }), { maxLength: events.length })
    .map((dupIdx) => [...events, ...dupIdx.map((i) => events[i])])
    .chain((withDups) =>
      fc.record({
        events: fc.constant(events),
        delivered: fc.shuffledSubarray(withDups, { minLength: withDups.length, maxLength: withDups.length }),
        batchSizes: fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 5 }),
      }),
    ),
);

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('applyDossierEvent folded over arbitrary event streams', () => {
  it('matches the reference model whatever the order, duplicates, re-sends and batching', () => {
    fc.assert(
      fc.property(scenarioArb, ({ events, delivered, batchSizes }) => {
        const folder = new Folder();
        folder.foldAll(delivered, batchSizes);
        expect(folder.nonZero()).toEqual(referenceTotals(events));
        // No row may go negative at any point of the final state either.
        for (const t of Object.values(folder.totals)) for (const v of Object.values(t)) expect(v).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });

  it('a full replay of the stream (everything again, same state store) changes no total', () => {
    fc.assert(
      fc.property(scenarioArb, ({ events, delivered, batchSizes }) => {
        const once = new Folder();
        once.foldAll(delivered, batchSizes);

        const twice = new Folder();
        twice.foldAll(delivered, batchSizes);
        const producedByReplay = twice.foldAll(delivered, [...batchSizes].reverse());

        expect(producedByReplay).toBe(0);
        expect(twice.nonZero()).toEqual(once.nonZero());
        expect(twice.nonZero()).toEqual(referenceTotals(events));
      }),
      { numRuns: 300 },
    );
  });

  it('folding the concatenation list ++ list from scratch equals folding the list once', () => {
    fc.assert(
      fc.property(scenarioArb, ({ delivered, batchSizes }) => {
        const once = new Folder();
        once.foldAll(delivered, batchSizes);
        const doubled = new Folder();
        doubled.foldAll([...delivered, ...delivered], batchSizes);
        expect(doubled.nonZero()).toEqual(once.nonZero());
      }),
      { numRuns: 300 },
    );
  });

  it("prefix sums of the gauge changes equal a brute-force count of open and overdue dossiers at each day's end", () => {
    fc.assert(
      fc.property(scenarioArb, ({ events, delivered, batchSizes }) => {
        const changes = new Map<string, { open: number; overdue: number }>();
        const acc = new CounterDeltaAccumulator();
        const states = new Map<string, DossierState>();
        let b = 0;
        for (let i = 0; i < delivered.length;) {
          const size = batchSizes.length > 0 ? batchSizes[b++ % batchSizes.length] : delivered.length;
          for (const e of delivered.slice(i, i + size)) {
            const key = `${e.unitCode}|${e.dossierId}`;
            states.set(key, applyDossierEvent(states.get(key), e, acc));
          }
          i += size;
        }
        for (const d of acc.deltas()) {
          const c = changes.get(`${d.unitCode}|${d.day}`) ?? { open: 0, overdue: 0 };
          c.open += d.counters.openChange;
          c.overdue += d.counters.overdueChange;
          changes.set(`${d.unitCode}|${d.day}`, c);
        }
        // Every local day the generator can reach, and a margin either side.
        for (const unit of ['28756', '28777']) {
          let open = 0;
          let overdue = 0;
          for (let k = -6; k <= 14; k++) {
            const dayStart = BASE + k * DAY; // local midnight
            const day = refLocalDay(dayStart);
            open += changes.get(`${unit}|${day}`)?.open ?? 0;
            overdue += changes.get(`${unit}|${day}`)?.overdue ?? 0;
            const expected = referenceGauges(events, unit, dayStart + DAY - 1);
            expect({ unit, day, open, overdue }).toEqual({ unit, day, ...expected });
          }
        }
        // Nothing lands outside the days checked above.
        for (const key of changes.keys()) {
          const day = key.split('|')[1];
          expect(day >= refLocalDay(BASE - 6 * DAY) && day <= refLocalDay(BASE + 14 * DAY)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('an event changes no overdue count before overdueChangeFrom(state before, state after)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ delivered }) => {
        const states = new Map<string, DossierState>();
        const acc = new CounterDeltaAccumulator();
        const instants = [...new Set(delivered.flatMap((e) => [e.occurredAt - 1, e.occurredAt, e.occurredAt + 1, e.dueAt, e.dueAt + 1, e.dueAt + 2]))];

        delivered.forEach((e, i) => {
          const key = `${e.unitCode}|${e.dossierId}`;
          const before = states.get(key);
          const after = applyDossierEvent(before, e, acc);
          states.set(key, after);
          const from = overdueChangeFrom(before, after);
          for (const t of instants) {
            if (t >= from) continue;

            // The reference model over the events so far, without and with this one.
            expect({ t, overdue: referenceGauges(delivered.slice(0, i + 1), e.unitCode, t).overdue }).toEqual({ t, overdue: referenceGauges(delivered.slice(0, i), e.unitCode, t).overdue });
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('overdueChangeFrom is the earlier start of the two overdue intervals, Infinity with none', () => {
    const receipt = (occurredAt: number, dueAt: number) => ({ eventId: 'r', occurredAt, dueAt, channel: 'ONLINE' as const });
    const open: DossierState = { unitCode: '28756', dossierId: 'D', procedureCode: 'p', receipt: receipt(BASE, BASE + DAY) };
    const resolvedOnTime: DossierState = { ...open, resolution: { eventId: 's', occurredAt: BASE + HOUR, dueAt: BASE + DAY } };
    const flagged: DossierState = { ...open, lateFlag: { eventId: 'l', occurredAt: BASE + 2 * HOUR, dueAt: BASE + DAY } };
    expect(overdueChangeFrom(undefined, open)).toBe(BASE + DAY + 1);
    expect(overdueChangeFrom(open, resolvedOnTime)).toBe(BASE + DAY + 1);
    expect(overdueChangeFrom(open, flagged)).toBe(BASE + 2 * HOUR);
    expect(overdueChangeFrom(undefined, resolvedOnTime)).toBe(Infinity);
  });

  it('the reference model itself counts a hand-made case as PRODUCT.md defines it', () => {
    // Guards the oracle: a dossier received online at 23:30 local (16:30Z) on 1 July, re-sent
    // later with another id, resolved 1 ms late; a second received direct at 00:00 local 2 July.
    const e = (x: Partial<DossierEvent> & Pick<DossierEvent, 'eventId' | 'type' | 'dossierId' | 'occurredAt'>): DossierEvent => ({
      unitCode: '28756',
      procedureCode: '1.001612',
      dueAt: Date.UTC(2025, 6, 3, 10, 0),
      ...x,
    });
    const events = [
      e({ eventId: 'b', type: 'RECEIVED', dossierId: 'A', occurredAt: Date.UTC(2025, 6, 1, 16, 30), channel: 'ONLINE' }),
      e({ eventId: 'a', type: 'RECEIVED', dossierId: 'A', occurredAt: Date.UTC(2025, 6, 1, 18, 0), channel: 'DIRECT' }),
      e({ eventId: 'c', type: 'RESOLVED', dossierId: 'A', occurredAt: Date.UTC(2025, 6, 3, 10, 0, 0, 1) }),
      e({ eventId: 'd', type: 'RECEIVED', dossierId: 'B', occurredAt: Date.UTC(2025, 6, 1, 17, 0), channel: 'DIRECT' }),
      e({ eventId: 'd', type: 'RECEIVED', dossierId: 'B', occurredAt: Date.UTC(2025, 6, 1, 17, 0), channel: 'DIRECT' }),
    ];
    const expected: Table = {
      '28756|2025-07-01': { ...emptyTotals(), receivedTotal: 1, receivedOnline: 1 },
      '28756|2025-07-02': { ...emptyTotals(), receivedTotal: 1, receivedDirect: 1 },
      '28756|2025-07-03': { ...emptyTotals(), resolvedTotal: 1, resolvedLate: 1 },
    };
    expect(referenceTotals(events)).toEqual(expected);
    const folder = new Folder();
    folder.foldAll([...events].reverse(), []);
    expect(folder.nonZero()).toEqual(expected);
  });
});
