import fc from 'fast-check';
import { CounterDeltaAccumulator, type DossierEvent, type DossierState, applyDossierEvent, openIntervals, overdueChangeFrom } from '@tthc/domain';
import { OverdueCounts } from './overdue-counts';

const HOUR = 3_600_000;
const T0 = Date.parse('2025-07-01T08:00:00+07:00');
const UNITS = ['28756', '28777'];

/** What `countOverdueOpenWithNextCrossing` answers (its SQL is pinned to the domain by test/overdue-rule.e2e-spec.ts). */
function countAt(states: Iterable<DossierState>, unit: string, at: number): { count: number; nextCrossing: number } {
  let count = 0;
  let nextCrossing = Infinity;
  for (const s of states) {
    if (s.unitCode !== unit || s.resolution) continue;
    const from = openIntervals(s).overdue?.from;
    if (from === undefined) continue;
    if (from <= at) count++;
    else nextCrossing = Math.min(nextCrossing, from);
  }
  return { count, nextCrossing };
}

type Op = { kind: 'event'; event: DossierEvent } | { kind: 'advance'; ms: number } | { kind: 'flush'; units: string[]; during: DossierEvent[] } | { kind: 'forget'; unit: string };

const instant = fc.integer({ min: -8, max: 40 }).map((k) => T0 + k * HOUR + (k % 3) - 1);
const eventArb: fc.Arbitrary<DossierEvent> = fc
  .record({
    n: fc.integer({ min: 0, max: 1_000_000 }),
    type: fc.constantFrom('RECEIVED', 'RECEIVED', 'RESOLVED', 'LATE'),
    unitCode: fc.constantFrom(...UNITS),
    dossierId: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    occurredAt: instant,
    dueAt: instant,
  })
  .map(({ n, ...e }) => ({ ...e, eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, procedureCode: '1.001612', ...(e.type === 'RECEIVED' ? { channel: 'ONLINE' as const } : {}) }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  eventArb.map((event) => ({ kind: 'event' as const, event })),
  fc.integer({ min: 0, max: 6 * HOUR }).map((ms) => ({ kind: 'advance' as const, ms })),
  fc.record({ units: fc.subarray(UNITS, { minLength: 1 }), during: fc.array(eventArb, { maxLength: 3 }) }).map((f) => ({ kind: 'flush' as const, ...f })),
  fc.constantFrom(...UNITS).map((unit) => ({ kind: 'forget' as const, unit })),
);

describe('OverdueCounts: a kept count is the count a query would read now', () => {
  it('whatever the events, the clock, counts read while batches commit, and forgotten units', () => {
    // Kept counts checked over all runs: the property says nothing if none is ever kept.
    let reused = 0;
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const states = new Map<string, DossierState>();
        const cache = new OverdueCounts();
        const acc = new CounterDeltaAccumulator();
        let now = T0;
        const apply = (e: DossierEvent) => {
          const key = `${e.unitCode}|${e.dossierId}`;
          const before = states.get(key);
          const after = applyDossierEvent(before, e, acc);
          states.set(key, after);
          // What the batch handler reports after its commit.
          cache.changed(e.unitCode, overdueChangeFrom(before, after));
        };
        const check = () => {
          for (const unit of UNITS) {
            const kept = cache.get(unit, now);
            if (kept === undefined) continue;
            reused++;
            expect({ unit, now, count: kept }).toEqual({ unit, now, count: countAt(states.values(), unit, now).count });
          }
        };
        for (const op of ops) {
          if (op.kind === 'event') apply(op.event);
          else if (op.kind === 'advance') now += op.ms;
          else if (op.kind === 'forget') cache.forget(op.unit);
          else {
            const toCount = op.units.filter((u) => cache.get(u, now) === undefined);
            cache.beginCount();
            // The query's snapshot is taken before the batches that commit while it runs.
            const read = new Map(toCount.map((u) => [u, countAt([...states.values()], u, now)]));
            op.during.forEach(apply);
            cache.finishCount(toCount, now, read);
          }
          check();
        }
      }),
      { numRuns: 1_000 },
    );
    expect(reused).toBeGreaterThan(1_000);
  });

  it('keeps a count across a receipt due later, not across the resolution of an overdue dossier', () => {
    const cache = new OverdueCounts();
    cache.beginCount();
    cache.finishCount(['28756'], T0, new Map([['28756', { count: 3, nextCrossing: T0 + 10 * HOUR }]]));
    expect(cache.get('28756', T0 + HOUR)).toBe(3);
    cache.changed('28756', T0 + 48 * HOUR); // a receipt due in two days
    expect(cache.get('28756', T0 + 2 * HOUR)).toBe(3);
    expect(cache.get('28756', T0 + 10 * HOUR)).toBeUndefined(); // the next crossing
    cache.changed('28756', T0 - 24 * HOUR); // an overdue dossier resolved
    expect(cache.get('28756', T0 + 2 * HOUR)).toBeUndefined();
    expect(cache.get('28777', T0)).toBeUndefined();
  });

  it('does not keep a count read while the unit changed before it, or was forgotten', () => {
    const cache = new OverdueCounts();
    cache.beginCount();
    cache.changed('28756', T0 - HOUR);
    cache.forget('28777');
    cache.finishCount(['28756', '28777'], T0, new Map());
    expect(cache.get('28756', T0)).toBeUndefined();
    expect(cache.get('28777', T0)).toBeUndefined();
  });

  it('names the units whose kept count lapsed: at the next crossing, or when a change reached back before now', () => {
    const cache = new OverdueCounts();
    cache.beginCount();
    cache.finishCount(
      ['28756', '28777'],
      T0,
      new Map([
        ['28756', { count: 1, nextCrossing: T0 + HOUR }],
        ['28777', { count: 0, nextCrossing: Infinity }],
      ]),
    );
    expect(cache.lapsed(T0 + HOUR - 1)).toEqual([]);
    expect(cache.lapsed(T0 + HOUR)).toEqual(['28756']);
    cache.changed('28777', T0 + 1);
    expect(cache.lapsed(T0 + 2)).toEqual(['28777']);
    cache.forget('28756');
    expect(cache.lapsed(T0 + 2 * HOUR)).toEqual(['28777']);
  });

  it('does not answer for an instant before the count (a clock set back)', () => {
    const cache = new OverdueCounts();
    cache.beginCount();
    cache.finishCount(['28756'], T0, new Map([['28756', { count: 1, nextCrossing: Infinity }]]));
    expect(cache.get('28756', T0 - 1)).toBeUndefined();
    expect(cache.get('28756', T0 + 1)).toBe(1);
  });
});
