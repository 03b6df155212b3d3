import { type AlertRule, type WindowCounts, ruleDefaults, zeroWindowCounts } from '@tthc/domain';
import { figureNeeds, observeSubjects } from './observation.stage';
import type { RuleSubject } from './rule-subjects.stage';
import type { UnitFigures } from './snapshot-figures';

const NOW = Date.parse('2025-07-31T12:00:00+07:00');
const rule = (id: string, over: Partial<AlertRule> = {}): AlertRule => ({ id, metric: 'onlineRate', ...ruleDefaults('onlineRate'), overrides: [], ...over });
const counts = (c: Partial<WindowCounts>): WindowCounts => ({ ...zeroWindowCounts(), ...c });
const unit = (windows: Record<string, Partial<WindowCounts>>, overdueOpen = 0): UnitFigures => ({
  windows: new Map(Object.entries(windows).map(([k, v]) => [k, counts(v)])),
  overdueOpen,
});
const subject = (code: string, r: AlertRule, members = [code]): RuleSubject => ({ code, name: code, rule: r, members });

const FIGURES = new Map<string, UnitFigures>([
  // A: 40 receipts, 20 of them online (channel share 50 %), 32 carried the v2 fields and 24 were fully online (75 %).
  [
    'A',
    unit({ rolling30d: { receivedTotal: 40, receivedOnline: 20, receivedV2: 32, fullyOnline: 24, resolvedTotal: 10, resolvedOnTime: 9 }, monthToDate: { receivedTotal: 8, receivedOnline: 8 } }, 3),
  ],
  ['B', unit({ rolling30d: { receivedTotal: 10, receivedOnline: 10, receivedV2: 8, fullyOnline: 8 } }, 12)],
]);

describe('figureNeeds', () => {
  it('names each window the rules use once, with its days as of now', () => {
    const subjects = [subject('A', rule('a')), subject('B', rule('b')), subject('A', rule('c', { window: { kind: 'monthToDate' } }))];
    expect(figureNeeds(subjects, NOW).spans).toEqual([
      { name: 'rolling30d', from: '2025-07-02', to: '2025-07-31' },
      { name: 'monthToDate', from: '2025-07-01', to: '2025-07-31' },
    ]);
  });

  it('asks for the counts the rules’ rates read, each once, and for the overdue count only when a rule judges it', () => {
    const defaults = [subject('A', rule('fully', { metric: 'fullyOnlineRate' })), subject('A', rule('on-time', { metric: 'onTimeRate' })), subject('B', rule('online'))];
    expect(figureNeeds(defaults, NOW)).toMatchObject({ fields: ['fullyOnline', 'receivedV2', 'resolvedOnTime', 'resolvedTotal', 'receivedOnline', 'receivedTotal'], overdue: false });
    const overdue = subject('B', rule('overdue', { ...ruleDefaults('overdueOpen'), metric: 'overdueOpen' }));
    expect(figureNeeds([overdue], NOW)).toMatchObject({ fields: [], overdue: true });
  });
});

describe('observeSubjects', () => {
  it.each<[string, RuleSubject, number | null, number]>([
    ['a unit’s online rate over 30 days', subject('A', rule('online')), 0.5, 40],
    ['its fully-online rate (the 2026 target): of the v2 receipts only', subject('A', rule('fully', { metric: 'fullyOnlineRate' })), 0.75, 32],
    ['a province’s fully-online rate from the summed counts (32 of 40)', subject('86', rule('pf', { metric: 'fullyOnlineRate', scope: 'province' }), ['A', 'B', 'C']), 0.8, 40],
    ['a window with receipts but none carrying v2 fields: no fully-online figure', subject('A', rule('mtd-fully', { metric: 'fullyOnlineRate', window: { kind: 'monthToDate' } })), null, 0],
    ['its on-time rate', subject('A', rule('on-time', { metric: 'onTimeRate' })), 0.9, 10],
    ['its month to date', subject('A', rule('mtd', { window: { kind: 'monthToDate' } })), 1, 8],
    ['its overdue count', subject('B', rule('overdue', { ...ruleDefaults('overdueOpen'), metric: 'overdueOpen' })), 12, 12],
    ['a window with no dossiers: no figure', subject('B', rule('mtd', { window: { kind: 'monthToDate' } })), null, 0],
    ['a unit with no figures at all', subject('C', rule('online')), null, 0],
    ['a province: counts summed, the rate from the sums (30 of 50, not the mean 75 %)', subject('86', rule('p', { scope: 'province' }), ['A', 'B', 'C']), 0.6, 50],
    ['a province’s overdue count', subject('86', rule('po', { ...ruleDefaults('overdueOpen'), metric: 'overdueOpen', scope: 'province' }), ['A', 'B']), 15, 15],
  ])('%s', (_name, s, value, sampleSize) => {
    const [o] = observeSubjects([s], FIGURES, NOW);
    expect(o.observation).toEqual({ value, sampleSize, window: { from: s.rule.window.kind === 'monthToDate' ? '2025-07-01' : '2025-07-02', to: '2025-07-31' } });
    expect(o).toMatchObject({ code: s.code, rule: s.rule });
  });
});
