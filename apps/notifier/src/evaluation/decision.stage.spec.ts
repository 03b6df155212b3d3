import { type AlertRule, type Silence, ruleDefaults } from '@tthc/domain';
import type { StoredAlert } from '@tthc/persistence';
import { decideAll } from './decision.stage';
import type { ObservedSubject } from './observation.stage';

const NOW = Date.parse('2025-07-31T12:00:00+07:00');
const RULE: AlertRule = { id: 'online-rate-30d', metric: 'onlineRate', ...ruleDefaults('onlineRate'), overrides: [] };
const WINDOW = { from: '2025-07-02', to: '2025-07-31' };
const observed = (value: number | null, sampleSize = 40): ObservedSubject => ({
  code: '28756',
  name: 'Phường Phú Khương',
  rule: RULE,
  members: ['28756'],
  observation: { value, sampleSize, window: WINDOW },
});
const open = (over: Partial<StoredAlert> = {}): StoredAlert => ({
  id: 'alert-1',
  unitCode: '28756',
  ruleId: RULE.id,
  state: 'OPEN',
  startedAt: NOW - 3_600_000,
  openedAt: NOW - 3_600_000,
  stepGap: 0.3,
  gapAtOpen: 0.3,
  unnotified: false,
  lastValue: 0.5,
  sampleSize: 40,
  silenced: false,
  windowFrom: WINDOW.from,
  windowTo: WINDOW.to,
  ...over,
});
const silence: Silence = { id: 's-1', unitCode: '28756', ruleId: null, startsAt: NOW - 1, endsAt: NOW + 3_600_000, expiredAt: null };
const ids = () => {
  let n = 0;
  return () => `new-${++n}`;
};

describe('decideAll', () => {
  it.each<[string, ObservedSubject, StoredAlert[], Silence[], (string | boolean | null)[][], (string | null)[]]>([
    ['a new breach fires and is notified', observed(0.5), [], [], [['FIRED', null, 'OPEN', true]], ['new-1', 'OPEN', 'Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 50,00% < mục tiêu 80%']],
    [
      'a breach under a silence fires unnotified',
      observed(0.5),
      [],
      [silence],
      [['FIRED', null, 'OPEN', false]],
      ['new-1', 'OPEN', 'Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 50,00% < mục tiêu 80%'],
    ],
    ['the same figures again write nothing', observed(0.5), [open()], [], [], []],
    ['new figures, no transition: the alert row follows them', observed(0.52, 42), [open()], [], [], ['alert-1', 'OPEN', 'Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 52,00% < mục tiêu 80%']],
    [
      'five more points down is notified as worsening',
      observed(0.45),
      [open()],
      [],
      [['WORSENED', 'OPEN', 'OPEN', true]],
      ['alert-1', 'OPEN', 'Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 45,00% < mục tiêu 80%'],
    ],
    [
      'recovered past the margin resolves',
      observed(0.9),
      [open()],
      [],
      [['RESOLVED', 'OPEN', 'RESOLVED', true]],
      ['alert-1', 'RESOLVED', 'Đã phục hồi — Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 90,00% ≥ mục tiêu 80%'],
    ],
    ['too few dossiers to judge: nothing', observed(0.1, 5), [], [], [], []],
  ])('%s', (_name, subject, live, silences, transitions, alert) => {
    const d = decideAll([subject], live, silences, { now: NOW, newId: ids() });
    expect(d.transitions.map((t) => [t.kind, t.from, t.to, t.notify])).toEqual(transitions);
    for (const t of d.transitions) expect(t).toMatchObject({ windowFrom: WINDOW.from, windowTo: WINDOW.to, at: NOW, alertId: alert[0] });
    expect(d.alerts.map((a) => [a.id, a.state, a.message])).toEqual(alert.length === 0 ? [] : [alert]);
  });

  it('writes the alert row with the rule, the window and what was seen', () => {
    const [a] = decideAll([observed(0.5)], [], [silence], { now: NOW, newId: ids() }).alerts;
    expect(a).toEqual({
      id: 'new-1',
      unitCode: '28756',
      unitName: 'Phường Phú Khương',
      ruleId: RULE.id,
      metric: 'onlineRate',
      scope: 'unit',
      comparison: 'below',
      severity: 'warning',
      windowName: 'rolling30d',
      windowFrom: WINDOW.from,
      windowTo: WINDOW.to,
      state: 'OPEN',
      target: 0.8,
      startedAt: NOW,
      openedAt: NOW,
      resolvedAt: null,
      lastValue: 0.5,
      sampleSize: 40,
      lastGap: expect.closeTo(0.3, 10),
      stepGap: expect.closeTo(0.3, 10),
      gapAtOpen: expect.closeTo(0.3, 10),
      unnotified: true,
      silenced: true,
      message: 'Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 50,00% < mục tiêu 80%',
      evaluatedAt: NOW,
    });
  });

  it('keeps each unit × rule apart: another unit’s live alert is not this one’s', () => {
    const d = decideAll([observed(0.5)], [open({ unitCode: '28777' })], [], { now: NOW, newId: ids() });
    expect(d.transitions.map((t) => [t.kind, t.alertId])).toEqual([['FIRED', 'new-1']]);
  });
});
