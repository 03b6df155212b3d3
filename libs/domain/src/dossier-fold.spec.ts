import { COUNTER_FIELDS, CounterDeltaAccumulator, type CounterDelta, type DayCounters, type DayGaugeChanges } from './day-counters';
import type { DossierEvent } from './dossier-event';
import { applyDossierEvent, isOnTime, isOverdueOpenAt, type DossierState } from './dossier-fold';

const UNIT = '28756';
const DOSSIER = 'H59.28756-250701-0001';
const at = (iso: string): number => Date.parse(iso);

function event(overrides: Partial<DossierEvent> & Pick<DossierEvent, 'type' | 'eventId'>): DossierEvent {
  return {
    dossierId: DOSSIER,
    unitCode: UNIT,
    procedureCode: '1.001612',
    occurredAt: at('2025-07-01T08:00:00+07:00'),
    dueAt: at('2025-07-05T17:00:00+07:00'),
    ...(overrides.type === 'RECEIVED' ? { channel: 'ONLINE' as const } : {}),
    ...overrides,
  };
}

const zero: DayCounters = {
  receivedTotal: 0,
  receivedOnline: 0,
  receivedDirect: 0,
  resolvedTotal: 0,
  resolvedOnTime: 0,
  resolvedLate: 0,
};

/** Counter deltas (the gauge changes left out) as a plain map `day → counters` for one unit. */
function byDay(deltas: CounterDelta[]): Record<string, DayCounters> {
  const out: Record<string, DayCounters> = {};
  for (const d of deltas) {
    expect(d.unitCode).toBe(UNIT);
    const counters = { ...zero };
    for (const f of COUNTER_FIELDS) counters[f] = d.counters[f];
    if (COUNTER_FIELDS.some((f) => counters[f] !== 0)) out[d.day] = counters;
  }
  return out;
}

/** Gauge-change deltas as a map `day → changes`, days without a change left out. */
function gaugesByDay(deltas: CounterDelta[]): Record<string, DayGaugeChanges> {
  const out: Record<string, DayGaugeChanges> = {};
  for (const d of deltas) {
    const { openChange, overdueChange } = d.counters;
    if (openChange !== 0 || overdueChange !== 0) out[d.day] = { openChange, overdueChange };
  }
  return out;
}

/** Folds `events` in order from no state; returns the last state and the accumulated deltas. */
function fold(events: DossierEvent[], initial?: DossierState): { state: DossierState | undefined; acc: CounterDeltaAccumulator } {
  const acc = new CounterDeltaAccumulator();
  let state = initial;
  for (const e of events) state = applyDossierEvent(state, e, acc);
  return { state, acc };
}

const ID = {
  r1: '00000000-0000-4000-8000-000000000001',
  r2: '00000000-0000-4000-8000-000000000002',
  r3: '00000000-0000-4000-8000-000000000003',
  s1: '00000000-0000-4000-8000-000000000011',
  l1: '00000000-0000-4000-8000-000000000021',
};

describe('applyDossierEvent', () => {
  describe('RECEIVED', () => {
    it.each([
      ['ONLINE', { receivedTotal: 1, receivedOnline: 1 }],
      ['DIRECT', { receivedTotal: 1, receivedDirect: 1 }],
    ] as const)('counts receivedTotal and the %s channel on the LOCAL day of occurredAt (23:30+07:00 = 16:30Z)', (channel, counted) => {
      // Given no state for the dossier
      // When it is received at 23:30 local time on 1 July, which is 16:30 UTC the same day
      const received = event({
        type: 'RECEIVED',
        eventId: ID.r1,
        channel,
        occurredAt: at('2025-07-01T23:30:00+07:00'),
      });
      expect(received.occurredAt).toBe(Date.UTC(2025, 6, 1, 16, 30));
      const { state, acc } = fold([received]);
      // Then exactly that local day counts one receipt under the channel
      expect(byDay(acc.deltas())).toEqual({ '2025-07-01': { ...zero, ...counted } });
      expect(state?.receipt).toEqual({
        eventId: ID.r1,
        occurredAt: received.occurredAt,
        dueAt: received.dueAt,
        channel,
      });
    });

    it('counts a receipt at 00:30+07:00 (17:30Z the previous UTC day) on the local day, not the UTC day', () => {
      const { acc } = fold([event({ type: 'RECEIVED', eventId: ID.r1, occurredAt: at('2025-07-02T00:30:00+07:00') })]);
      expect(byDay(acc.deltas())).toEqual({ '2025-07-02': { ...zero, receivedTotal: 1, receivedOnline: 1 } });
    });

    it('does not mutate the state it was given', () => {
      const { state } = fold([event({ type: 'RECEIVED', eventId: ID.r1 })]);
      const snapshot = structuredClone(state);
      applyDossierEvent(state, event({ type: 'RECEIVED', eventId: ID.r2, occurredAt: at('2025-06-30T08:00:00+07:00') }), new CounterDeltaAccumulator());
      expect(state).toEqual(snapshot);
    });
  });

  describe('RESOLVED on time or late', () => {
    const dueAt = at('2025-07-05T17:00:00+07:00');
    it.each([
      ['1 day before dueAt', dueAt - 86_400_000, { resolvedTotal: 1, resolvedOnTime: 1 }, '2025-07-04'],
      ['exactly at dueAt', dueAt, { resolvedTotal: 1, resolvedOnTime: 1 }, '2025-07-05'],
      ['1 ms after dueAt', dueAt + 1, { resolvedTotal: 1, resolvedLate: 1 }, '2025-07-05'],
      ['a week after dueAt', dueAt + 7 * 86_400_000, { resolvedTotal: 1, resolvedLate: 1 }, '2025-07-12'],
    ])('resolved %s (occurredAt %d) → %j on %s', (_name, occurredAt, counted, day) => {
      // Given a received dossier due at 17:00 local on 5 July
      const { state } = fold([event({ type: 'RECEIVED', eventId: ID.r1, dueAt })]);
      // When it is resolved
      const acc = new CounterDeltaAccumulator();
      const next = applyDossierEvent(state, event({ type: 'RESOLVED', eventId: ID.s1, occurredAt, dueAt }), acc);
      // Then one resolution is counted, on time or late, on the local day of the resolution
      expect(byDay(acc.deltas())).toEqual({ [day]: { ...zero, ...counted } });
      expect(next.resolution?.eventId).toBe(ID.s1);
    });

    it.each([
      [at('2025-07-05T17:00:00+07:00'), true],
      [at('2025-07-05T17:00:00+07:00') + 1, false],
      [at('2025-07-05T16:59:59+07:00'), true],
    ])('isOnTime at occurredAt=%d → %s', (occurredAt, expected) => {
      expect(isOnTime({ eventId: ID.s1, occurredAt, dueAt: at('2025-07-05T17:00:00+07:00') })).toBe(expected);
    });
  });

  it('counts both facts exactly once when RESOLVED arrives before RECEIVED', () => {
    // Given a RESOLVED arriving first
    const resolved = event({ type: 'RESOLVED', eventId: ID.s1, occurredAt: at('2025-07-03T10:00:00+07:00') });
    const received = event({
      type: 'RECEIVED',
      eventId: ID.r1,
      channel: 'DIRECT',
      occurredAt: at('2025-07-01T09:00:00+07:00'),
    });
    // When both are folded in that order, and then both again
    const { state, acc } = fold([resolved, received, resolved, received]);
    // Then each fact is counted once, on its own day
    expect(byDay(acc.deltas())).toEqual({
      '2025-07-01': { ...zero, receivedTotal: 1, receivedDirect: 1 },
      '2025-07-03': { ...zero, resolvedTotal: 1, resolvedOnTime: 1 },
    });
    expect(state?.receipt?.eventId).toBe(ID.r1);
    expect(state?.resolution?.eventId).toBe(ID.s1);
  });

  it.each(['RECEIVED', 'RESOLVED', 'LATE'] as const)('a duplicate %s (same eventId) returns the very same state and adds no deltas', (type) => {
    // Given a dossier that has seen the event
    const e = event({ type, eventId: ID.r1 });
    const { state } = fold([event({ type: 'RECEIVED', eventId: ID.r2, occurredAt: at('2025-07-01T07:00:00+07:00') }), e]);
    // When the same event is delivered again
    const acc = new CounterDeltaAccumulator();
    const next = applyDossierEvent(state, { ...e }, acc);
    // Then nothing changes
    expect(next).toBe(state);
    expect(acc.deltas()).toEqual([]);
  });

  describe('a RECEIVED re-sent with a different eventId', () => {
    const first = event({
      type: 'RECEIVED',
      eventId: ID.r2,
      channel: 'ONLINE',
      occurredAt: at('2025-07-02T10:00:00+07:00'),
    });

    it('moves the receipt to the earlier day when the new one is earlier (old day -1, new day +1)', () => {
      // Given a receipt counted on 2 July
      const { state } = fold([first]);
      // When a receipt with another eventId says 30 June, via the direct channel
      const acc = new CounterDeltaAccumulator();
      const earlier = event({
        type: 'RECEIVED',
        eventId: ID.r3,
        channel: 'DIRECT',
        occurredAt: at('2025-06-30T15:00:00+07:00'),
      });
      const next = applyDossierEvent(state, earlier, acc);
      // Then the count moves
      expect(byDay(acc.deltas())).toEqual({
        '2025-07-02': { ...zero, receivedTotal: -1, receivedOnline: -1 },
        '2025-06-30': { ...zero, receivedTotal: 1, receivedDirect: 1 },
      });
      expect(next.receipt?.eventId).toBe(ID.r3);
    });

    it('changes nothing when the new one is later', () => {
      const { state } = fold([first]);
      const acc = new CounterDeltaAccumulator();
      const later = event({
        type: 'RECEIVED',
        eventId: ID.r1,
        channel: 'DIRECT',
        occurredAt: at('2025-07-03T10:00:00+07:00'),
      });
      const next = applyDossierEvent(state, later, acc);
      expect(next).toBe(state);
      expect(acc.deltas()).toEqual([]);
    });

    it('breaks an occurredAt tie by the smaller eventId, whichever arrives first', () => {
      const tieSmall = { ...first, eventId: ID.r1, channel: 'DIRECT' as const };
      const a = fold([first, tieSmall]);
      const b = fold([tieSmall, first]);
      expect(a.state?.receipt?.eventId).toBe(ID.r1);
      expect(b.state?.receipt?.eventId).toBe(ID.r1);
      const expected = { '2025-07-02': { ...zero, receivedTotal: 1, receivedDirect: 1 } };
      expect(byDay(a.acc.deltas())).toEqual(expected);
      expect(byDay(b.acc.deltas())).toEqual(expected);
    });

    it('a retraction that cancels within the same day writes no delta', () => {
      const { state } = fold([first]);
      const acc = new CounterDeltaAccumulator();
      applyDossierEvent(state, { ...first, eventId: ID.r1, occurredAt: first.occurredAt - 3_600_000 }, acc);
      expect(acc.deltas()).toEqual([]);
    });
  });

  it('a RESOLVED re-sent with a different, earlier eventId moves the resolution and can flip late → on time', () => {
    const dueAt = at('2025-07-05T17:00:00+07:00');
    const { state } = fold([event({ type: 'RECEIVED', eventId: ID.r1, dueAt }), event({ type: 'RESOLVED', eventId: ID.s1, occurredAt: at('2025-07-07T09:00:00+07:00'), dueAt })]);
    const acc = new CounterDeltaAccumulator();
    applyDossierEvent(state, event({ type: 'RESOLVED', eventId: ID.r3, occurredAt: at('2025-07-04T09:00:00+07:00'), dueAt }), acc);
    expect(byDay(acc.deltas())).toEqual({
      '2025-07-07': { ...zero, resolvedTotal: -1, resolvedLate: -1 },
      '2025-07-04': { ...zero, resolvedTotal: 1, resolvedOnTime: 1 },
    });
  });

  it('LATE changes no counter but records the flag', () => {
    // Given a received dossier
    const { state } = fold([event({ type: 'RECEIVED', eventId: ID.r1 })]);
    // When the source flags it LATE
    const acc = new CounterDeltaAccumulator();
    const late = event({ type: 'LATE', eventId: ID.l1, occurredAt: at('2025-07-06T08:00:00+07:00') });
    const next = applyDossierEvent(state, late, acc);
    // Then no counter moves
    expect(acc.deltas()).toEqual([]);
    expect(next.lateFlag).toEqual({ eventId: ID.l1, occurredAt: late.occurredAt, dueAt: late.dueAt });
    expect(next.receipt).toEqual(state?.receipt);
  });

  it('LATE alone (no receipt yet) changes no counter, but opens the dossier as overdue from the flag', () => {
    const { state, acc } = fold([event({ type: 'LATE', eventId: ID.l1 })]);
    expect(byDay(acc.deltas())).toEqual({});
    expect(gaugesByDay(acc.deltas())).toEqual({ '2025-07-01': { openChange: 1, overdueChange: 1 } });
    expect(state?.receipt).toBeUndefined();
    expect(state?.lateFlag?.eventId).toBe(ID.l1);
  });

  describe('gauge changes (open and overdue at the end of each day)', () => {
    // Received 1 July 08:00, due 5 July 17:00 (local).
    it.each<[string, DossierEvent[], Record<string, DayGaugeChanges>]>([
      [
        'open, not yet due: +1 open on the receipt day, overdue from the day after the deadline instant',
        [event({ type: 'RECEIVED', eventId: ID.r1 })],
        {
          '2025-07-01': { openChange: 1, overdueChange: 0 },
          '2025-07-05': { openChange: 0, overdueChange: 1 },
        },
      ],
      [
        'resolved on time on 3 July: open 1–2 July only, never overdue',
        [event({ type: 'RECEIVED', eventId: ID.r1 }), event({ type: 'RESOLVED', eventId: ID.s1, occurredAt: at('2025-07-03T10:00:00+07:00') })],
        { '2025-07-01': { openChange: 1, overdueChange: 0 }, '2025-07-03': { openChange: -1, overdueChange: 0 } },
      ],
      [
        'resolved late on 8 July: overdue from 5 July (past 17:00) until 8 July',
        [event({ type: 'RECEIVED', eventId: ID.r1 }), event({ type: 'RESOLVED', eventId: ID.s1, occurredAt: at('2025-07-08T09:00:00+07:00') })],
        {
          '2025-07-01': { openChange: 1, overdueChange: 0 },
          '2025-07-05': { openChange: 0, overdueChange: 1 },
          '2025-07-08': { openChange: -1, overdueChange: -1 },
        },
      ],
      [
        'resolved exactly at the deadline: never overdue',
        [event({ type: 'RECEIVED', eventId: ID.r1 }), event({ type: 'RESOLVED', eventId: ID.s1, occurredAt: at('2025-07-05T17:00:00+07:00') })],
        { '2025-07-01': { openChange: 1, overdueChange: 0 }, '2025-07-05': { openChange: -1, overdueChange: 0 } },
      ],
      [
        'flagged LATE on 2 July, before its deadline: overdue from the flag',
        [event({ type: 'RECEIVED', eventId: ID.r1 }), event({ type: 'LATE', eventId: ID.l1, occurredAt: at('2025-07-02T11:00:00+07:00') })],
        { '2025-07-01': { openChange: 1, overdueChange: 0 }, '2025-07-02': { openChange: 0, overdueChange: 1 } },
      ],
      [
        'resolved before its own receipt (a source anomaly): never open',
        [event({ type: 'RESOLVED', eventId: ID.s1, occurredAt: at('2025-06-30T10:00:00+07:00') }), event({ type: 'RECEIVED', eventId: ID.r1 })],
        {},
      ],
      [
        'received and resolved the same day: the changes cancel out',
        [event({ type: 'RECEIVED', eventId: ID.r1 }), event({ type: 'RESOLVED', eventId: ID.s1, occurredAt: at('2025-07-01T15:00:00+07:00') })],
        {},
      ],
    ])('%s', (_name, events, expected) => {
      expect(gaugesByDay(fold(events).acc.deltas())).toEqual(expected);
      // Whatever the arrival order.
      expect(gaugesByDay(fold([...events].reverse()).acc.deltas())).toEqual(expected);
    });
  });
});

describe('isOverdueOpenAt', () => {
  const receivedAt = at('2025-07-01T08:00:00+07:00');
  const dueAt = at('2025-07-05T17:00:00+07:00');
  const receipt = { eventId: ID.r1, occurredAt: receivedAt, dueAt, channel: 'ONLINE' as const };
  const base: DossierState = { unitCode: UNIT, dossierId: DOSSIER, procedureCode: '1.001612' };

  it.each<[string, DossierState, number, boolean]>([
    ['open, past due → true', { ...base, receipt }, dueAt + 1, true],
    ['open, exactly at due (not yet past) → false', { ...base, receipt }, dueAt, false],
    ['open, before due → false', { ...base, receipt }, dueAt - 1, false],
    ['resolved (late) before `at` → false', { ...base, receipt, resolution: { eventId: ID.s1, occurredAt: dueAt + 10, dueAt } }, dueAt + 20, false],
    ['resolved on time before `at` → false', { ...base, receipt, resolution: { eventId: ID.s1, occurredAt: dueAt - 10, dueAt } }, dueAt + 20, false],
    ['LATE-flagged before due, flag already raised → true', { ...base, receipt, lateFlag: { eventId: ID.l1, occurredAt: dueAt - 3_600_000, dueAt } }, dueAt - 60_000, true],
    ['LATE flag raised after `at`, before due → false', { ...base, receipt, lateFlag: { eventId: ID.l1, occurredAt: dueAt - 3_600_000, dueAt } }, dueAt - 7_200_000, false],
    ['LATE flag only, no receipt seen → true', { ...base, lateFlag: { eventId: ID.l1, occurredAt: dueAt + 5, dueAt } }, dueAt + 10, true],
    ['resolution after `at`: still open then → true', { ...base, receipt, resolution: { eventId: ID.s1, occurredAt: dueAt + 86_400_000, dueAt } }, dueAt + 1, true],
    ['receipt after `at`: not open yet → false', { ...base, receipt }, receivedAt - 1, false],
    ['receipt after `at` even though `at` is past due → false', { ...base, receipt: { ...receipt, dueAt: receivedAt - 86_400_000 } }, receivedAt - 1, false],
    ['nothing known → false', base, dueAt + 1, false],
    ['resolved, no receipt → false', { ...base, resolution: { eventId: ID.s1, occurredAt: dueAt + 10, dueAt } }, dueAt + 20, false],
  ])('%s', (_name, state, when, expected) => {
    expect(isOverdueOpenAt(state, when)).toBe(expected);
  });
});
