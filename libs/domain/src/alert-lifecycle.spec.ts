import fc from 'fast-check';
import { type AlertTransition, type LiveAlert, type TransitionKind, acknowledge, decide } from './alert-lifecycle';
import { type AlertRule, type Observation, ruleForUnit, ruleDefaults } from './alert-rule';

const rule: AlertRule = { id: 'online-rate-30d', metric: 'onlineRate', ...ruleDefaults('onlineRate'), overrides: [] };
const MIN = 60_000;
const T0 = Date.parse('2025-07-31T05:00:00Z');
const W = { from: '2025-07-02', to: '2025-07-31' };
const obs = (value: number | null, sampleSize = 100): Observation => ({ value, sampleSize, window: W });

/** A step of a scenario: at minute `t`, the rule sees `value` (with `n` dossiers), silenced or not. */
interface Step {
  t: number;
  value: number | null;
  n?: number;
  silenced?: boolean;
}

/** Given a rule, When the steps are evaluated in order, Then: every transition as `KIND:from→to:notify`. */
function run(r: AlertRule, steps: Step[]): { log: string[]; alert: LiveAlert | undefined; transitions: AlertTransition[] } {
  let alert: LiveAlert | undefined;
  let ids = 0;
  const transitions: AlertTransition[] = [];
  for (const s of steps) {
    const d = decide(alert, obs(s.value, s.n ?? 100), r, { now: T0 + s.t * MIN, silenced: s.silenced ?? false, newId: () => `a${++ids}` });
    alert = d.alert;
    transitions.push(...d.transitions);
  }
  const log = transitions.map((t) => `${t.kind}:${t.from ?? '-'}→${t.to}${t.notify ? '' : ':quiet'}`);
  return { log, alert, transitions };
}

describe('decide: the alert lifecycle as a pure fold', () => {
  it.each<[string, AlertRule, Step[], string[]]>([
    // minimum sample
    ['a breach with enough dossiers opens at once', rule, [{ t: 0, value: 0.7 }], ['FIRED:-→OPEN']],
    ['a breach with too few dossiers does nothing', rule, [{ t: 0, value: 0.1, n: 29 }], []],
    ['an empty window does nothing', rule, [{ t: 0, value: null, n: 0 }], []],
    [
      'too few dossiers later keeps the alert open',
      rule,
      [
        { t: 0, value: 0.7 },
        { t: 1, value: 1, n: 5 },
      ],
      ['FIRED:-→OPEN'],
    ],
    // hysteresis band
    [
      'back at target stays open (inside the band)',
      rule,
      [
        { t: 0, value: 0.7 },
        { t: 1, value: 0.8 },
      ],
      ['FIRED:-→OPEN'],
    ],
    [
      'at 81.9 % stays open',
      rule,
      [
        { t: 0, value: 0.7 },
        { t: 1, value: 0.819 },
      ],
      ['FIRED:-→OPEN'],
    ],
    [
      'at target + margin resolves',
      rule,
      [
        { t: 0, value: 0.7 },
        { t: 1, value: 0.82 },
      ],
      ['FIRED:-→OPEN', 'RESOLVED:OPEN→RESOLVED'],
    ],
    [
      'flapping inside the band neither resolves nor re-fires',
      rule,
      [
        { t: 0, value: 0.79 },
        { t: 1, value: 0.81 },
        { t: 2, value: 0.79 },
        { t: 3, value: 0.815 },
        { t: 4, value: 0.79 },
      ],
      ['FIRED:-→OPEN'],
    ],
    [
      'a new breach after recovery opens a new alert',
      rule,
      [
        { t: 0, value: 0.7 },
        { t: 1, value: 0.9 },
        { t: 2, value: 0.7 },
      ],
      ['FIRED:-→OPEN', 'RESOLVED:OPEN→RESOLVED', 'FIRED:-→OPEN'],
    ],
    // for-duration
    [
      'with "for" 10 min a breach first waits (PENDING)',
      { ...rule, forMs: 10 * MIN },
      [
        { t: 0, value: 0.7 },
        { t: 9, value: 0.7 },
      ],
      ['PENDING:-→PENDING:quiet'],
    ],
    [
      'the breach still there when "for" elapses fires',
      { ...rule, forMs: 10 * MIN },
      [
        { t: 0, value: 0.7 },
        { t: 10, value: 0.75 },
      ],
      ['PENDING:-→PENDING:quiet', 'FIRED:PENDING→OPEN'],
    ],
    [
      'a breach gone before "for" elapses is cancelled, quietly',
      { ...rule, forMs: 10 * MIN },
      [
        { t: 0, value: 0.7 },
        { t: 5, value: 0.805 },
        { t: 20, value: 0.805 },
      ],
      ['PENDING:-→PENDING:quiet', 'CANCELLED:PENDING→RESOLVED:quiet'],
    ],
    [
      'a thin window while pending neither fires nor cancels',
      { ...rule, forMs: 10 * MIN },
      [
        { t: 0, value: 0.7 },
        { t: 15, value: 0.7, n: 3 },
        { t: 16, value: 0.7 },
      ],
      ['PENDING:-→PENDING:quiet', 'FIRED:PENDING→OPEN'],
    ],
    // worsening by a further step
    [
      'worsening by a full step notifies once per step',
      rule,
      [
        { t: 0, value: 0.75 },
        { t: 1, value: 0.71 },
        { t: 2, value: 0.7 },
        { t: 3, value: 0.69 },
        { t: 4, value: 0.65 },
        { t: 5, value: 0.62 },
      ],
      ['FIRED:-→OPEN', 'WORSENED:OPEN→OPEN', 'WORSENED:OPEN→OPEN'],
    ],
    [
      'a worsening step of 0 is off',
      { ...rule, worseningStep: 0 },
      [
        { t: 0, value: 0.75 },
        { t: 1, value: 0.2 },
      ],
      ['FIRED:-→OPEN'],
    ],
    [
      'the same figure evaluated again and again says nothing',
      rule,
      [
        { t: 0, value: 0.5166 },
        { t: 1, value: 0.5166 },
        { t: 2, value: 0.5166 },
        { t: 3, value: 0.5166 },
      ],
      ['FIRED:-→OPEN'],
    ],
    // silence
    [
      'a silenced breach is recorded but not notified',
      rule,
      [
        { t: 0, value: 0.7, silenced: true },
        { t: 1, value: 0.9, silenced: true },
      ],
      ['FIRED:-→OPEN:quiet', 'RESOLVED:OPEN→RESOLVED:quiet'],
    ],
    [
      'still firing when the silence ends: one UNSILENCED notification',
      rule,
      [
        { t: 0, value: 0.7, silenced: true },
        { t: 1, value: 0.7, silenced: true },
        { t: 2, value: 0.7 },
        { t: 3, value: 0.7 },
      ],
      ['FIRED:-→OPEN:quiet', 'UNSILENCED:OPEN→OPEN'],
    ],
    [
      'recovery of an alert nobody was told about is not notified',
      rule,
      [
        { t: 0, value: 0.7, silenced: true },
        { t: 1, value: 0.9 },
      ],
      ['FIRED:-→OPEN:quiet', 'RESOLVED:OPEN→RESOLVED:quiet'],
    ],
    [
      'a silence starting on an open alert mutes its recovery',
      rule,
      [
        { t: 0, value: 0.7 },
        { t: 1, value: 0.9, silenced: true },
      ],
      ['FIRED:-→OPEN', 'RESOLVED:OPEN→RESOLVED:quiet'],
    ],
    // per-unit override (the rule as ruleForUnit gives it)
    ['a unit with a 60 % target is not breached at 65 %', ruleForUnit({ ...rule, overrides: [{ unitCode: 'u', target: 0.6 }] }, 'u')!, [{ t: 0, value: 0.65 }], []],
    [
      'a unit with a 60 % target opens at 55 % and recovers at 62 %',
      ruleForUnit({ ...rule, overrides: [{ unitCode: 'u', target: 0.6 }] }, 'u')!,
      [
        { t: 0, value: 0.55 },
        { t: 1, value: 0.61 },
        { t: 2, value: 0.62 },
      ],
      ['FIRED:-→OPEN', 'RESOLVED:OPEN→RESOLVED'],
    ],
    ['a unit with a minimum sample of 5 opens on 10 dossiers', ruleForUnit({ ...rule, overrides: [{ unitCode: 'u', minSample: 5 }] }, 'u')!, [{ t: 0, value: 0.5, n: 10 }], ['FIRED:-→OPEN']],
  ])('%s', (_name, r, steps, expected) => {
    expect(run(r, steps).log).toEqual(expected);
  });

  it('records the time, figures, gap and target of each transition', () => {
    const { transitions, alert } = run(rule, [
      { t: 0, value: 0.724, n: 250 },
      { t: 5, value: 0.65, n: 260 },
    ]);
    expect(transitions[0]).toMatchObject({ alertId: 'a1', at: T0, value: 0.724, sampleSize: 250, target: 0.8, silenced: false, notify: true });
    expect(transitions[0].gap).toBeCloseTo(0.076, 9);
    expect(transitions[1]).toMatchObject({ kind: 'WORSENED', at: T0 + 5 * MIN, value: 0.65, sampleSize: 260 });
    expect(alert).toMatchObject({ id: 'a1', state: 'OPEN', openedAt: T0, startedAt: T0 });
    expect(alert!.gapAtOpen).toBeCloseTo(0.076, 9);
    expect(alert!.stepGap).toBeCloseTo(0.15, 9);
  });

  it('an acknowledged alert keeps its state while worsening and resolves on recovery', () => {
    const opened = run(rule, [{ t: 0, value: 0.74 }]).alert!;
    const ack = acknowledge(opened, rule, { now: T0 + MIN, by: 'Nguyễn Văn A', note: 'đã gọi xã', silenced: false, last: { value: 0.74, sampleSize: 100 } });
    if (!ack.ok) throw new Error(ack.detail);
    expect(ack.decision.transitions[0]).toMatchObject({ kind: 'ACKNOWLEDGED', from: 'OPEN', to: 'ACKNOWLEDGED', actor: 'Nguyễn Văn A', note: 'đã gọi xã', notify: true });
    const acked = ack.decision.alert!;
    const worse = decide(acked, obs(0.6), rule, { now: T0 + 2 * MIN, silenced: false, newId: () => 'x' });
    expect(worse.transitions.map((t) => [t.kind, t.from, t.to])).toEqual([['WORSENED', 'ACKNOWLEDGED', 'ACKNOWLEDGED']]);
    const healed = decide(worse.alert, obs(0.83), rule, { now: T0 + 3 * MIN, silenced: false, newId: () => 'x' });
    expect(healed.transitions.map((t) => [t.kind, t.from, t.to])).toEqual([['RESOLVED', 'ACKNOWLEDGED', 'RESOLVED']]);
    expect(healed.alert).toBeUndefined();
  });

  it.each<[string, LiveAlert['state'], string]>([
    ['twice', 'ACKNOWLEDGED', 'ALREADY_ACKNOWLEDGED'],
    ['while pending', 'PENDING', 'NOT_OPEN'],
  ])('refuses to acknowledge %s', (_name, state, code) => {
    const alert: LiveAlert = { id: 'a1', state, startedAt: T0, openedAt: null, stepGap: null, gapAtOpen: null, unnotified: false };
    expect(acknowledge(alert, rule, { now: T0, by: 'x', silenced: false, last: { value: 0.5, sampleSize: 40 } })).toMatchObject({ ok: false, code });
  });
});

describe('decide: properties over random series', () => {
  const rules = fc.record({
    target: fc.constantFrom(0.5, 0.8, 0.9),
    recoveryMargin: fc.constantFrom(0, 0.02, 0.05),
    minSample: fc.constantFrom(0, 30),
    forMs: fc.constantFrom(0, 5 * MIN),
    worseningStep: fc.constantFrom(0, 0.05),
  });
  const steps = fc.array(
    fc.record({
      value: fc.option(
        fc.integer({ min: 0, max: 1000 }).map((x) => x / 1000),
        { nil: null, freq: 8 },
      ),
      n: fc.integer({ min: 0, max: 200 }),
      dt: fc.integer({ min: 0, max: 3 * MIN }),
      silenced: fc.boolean(),
      ack: fc.boolean(),
    }),
    { maxLength: 60 },
  );

  it('never two live alerts for a unit × rule; every OPEN resolves once the rate stays above target + margin', () => {
    fc.assert(
      fc.property(rules, steps, fc.integer({ min: 1, max: 5 }), (params, series, settle) => {
        const r: AlertRule = { ...rule, ...params };
        let alert: LiveAlert | undefined;
        let now = T0;
        let ids = 0;
        const live = new Set<string>();
        const apply = (ts: AlertTransition[]) => {
          for (const t of ts) {
            if (t.from === null) {
              // A new alert only when no other is live.
              expect(live.size).toBe(0);
              live.add(t.alertId);
            } else {
              expect(live.has(t.alertId)).toBe(true);
            }
            if (t.to === 'RESOLVED') live.delete(t.alertId);
          }
          expect(live.size).toBe(alert ? 1 : 0);
          if (alert) expect(live.has(alert.id)).toBe(true);
        };
        for (const s of series) {
          now += s.dt;
          const d = decide(alert, { value: s.value, sampleSize: s.n, window: W }, r, { now, silenced: s.silenced, newId: () => `a${++ids}` });
          alert = d.alert;
          apply(d.transitions);
          if (s.ack && alert?.state === 'OPEN') {
            const a = acknowledge(alert, r, { now, by: 'op', silenced: s.silenced, last: { value: s.value, sampleSize: s.n } });
            if (!a.ok) throw new Error(a.detail);
            alert = a.decision.alert;
            apply(a.decision.transitions);
          }
        }
        // Then the rate stays above target + margin, with enough dossiers: the next evaluation resolves.
        const wasOpen = alert !== undefined && alert.state !== 'PENDING';
        const good = Math.min(1, r.target + r.recoveryMargin + 0.001);
        const kinds: TransitionKind[] = [];
        for (let i = 0; i < settle; i++) {
          now += MIN;
          const d = decide(alert, { value: good, sampleSize: Math.max(r.minSample, 1), window: W }, r, { now, silenced: false, newId: () => `a${++ids}` });
          alert = d.alert;
          apply(d.transitions);
          kinds.push(...d.transitions.map((t) => t.kind));
        }
        expect(alert).toBeUndefined();
        expect(live.size).toBe(0);
        if (wasOpen) expect(kinds).toEqual(['RESOLVED']);
        else expect(kinds.every((k) => k === 'CANCELLED')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a constant figure, evaluated any number of times, yields at most one notification', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }).map((x) => x / 1000),
        fc.integer({ min: 1, max: 50 }),
        (value, times) => {
          let alert: LiveAlert | undefined;
          let notified = 0;
          for (let i = 0; i < times; i++) {
            const d = decide(alert, obs(value), rule, { now: T0 + i * MIN, silenced: false, newId: () => 'a' });
            alert = d.alert;
            notified += d.transitions.filter((t) => t.notify).length;
          }
          expect(notified).toBe(value < rule.target ? 1 : 0);
        },
      ),
    );
  });
});
