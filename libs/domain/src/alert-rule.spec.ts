import { type AlertRule, DEFAULT_ALERT_RULES, isBreached, isRecovered, ruleForUnit, windowBounds, windowName, ruleDefaults } from './alert-rule';

/** The default rule of PRODUCT.md: target 80 %, at least 30 dossiers, recovery margin 2 points. */
const rule: AlertRule = { id: 'online-rate-30d', metric: 'onlineRate', ...ruleDefaults('onlineRate'), overrides: [] };
const overdue: AlertRule = { ...rule, id: 'overdue', metric: 'overdueOpen', comparison: 'above', target: 10, minSample: 0, recoveryMargin: 2 };
const EPS = 1e-9;
type Sample = { value: number | null; sampleSize: number };

describe('DEFAULT_ALERT_RULES', () => {
  it('are 80 % / rolling 30 days / 30 dossiers / 2 points / step 5 points for both rates', () => {
    expect(DEFAULT_ALERT_RULES.map((r) => [r.id, r.metric, r.comparison, r.target, windowName(r.window), r.minSample, r.recoveryMargin, r.worseningStep, r.forMs])).toEqual([
      ['fully-online-rate-30d', 'fullyOnlineRate', 'below', 0.8, 'rolling30d', 30, 0.02, 0.05, 0],
      ['on-time-rate-30d', 'onTimeRate', 'below', 0.8, 'rolling30d', 30, 0.02, 0.05, 0],
    ]);
  });
});

describe('isBreached (minimum sample, strict target)', () => {
  it.each<[string, Sample, boolean]>([
    ['below target with sample = minSample', { value: 0.5166, sampleSize: 30 }, true],
    ['below target with a large sample', { value: 0.79, sampleSize: 5_000 }, true],
    ['0 % with enough sample', { value: 0, sampleSize: 30 }, true],
    ['just below target', { value: 0.8 - EPS, sampleSize: 30 }, true],
    ['below target but sample below minSample', { value: 0.1, sampleSize: 29 }, false],
    ['below target with an empty sample', { value: 0, sampleSize: 0 }, false],
    ['exactly at target', { value: 0.8, sampleSize: 100 }, false],
    ['exactly at target as a ratio of counts (24/30)', { value: 24 / 30, sampleSize: 30 }, false],
    ['above target', { value: 0.95, sampleSize: 100 }, false],
    ['no rate (null)', { value: null, sampleSize: 0 }, false],
    ['no rate (null) with a sample size', { value: null, sampleSize: 100 }, false],
  ])('%s → %s', (_name, sample, expected) => {
    expect(isBreached(rule, sample)).toBe(expected);
  });
});

describe('isRecovered (hysteresis band)', () => {
  it.each<[string, Sample, boolean]>([
    ['still below target', { value: 0.5, sampleSize: 100 }, false],
    ['back exactly at target', { value: 0.8, sampleSize: 100 }, false],
    ['at target + margin − ε', { value: 0.82 - 1e-6, sampleSize: 100 }, false],
    ['81.99 % (8199/10000)', { value: 8199 / 10_000, sampleSize: 10_000 }, false],
    ['at target + margin, computed', { value: rule.target + rule.recoveryMargin, sampleSize: 100 }, true],
    ['at 82 % as counted, 41 of 50 dossiers', { value: 41 / 50, sampleSize: 50 }, true],
    ['at 82 % written as the literal 0.82', { value: 0.82, sampleSize: 100 }, true],
    ['100 %', { value: 1, sampleSize: 30 }, true],
    ['high rate but insufficient sample', { value: 1, sampleSize: 29 }, false],
    ['high rate with an empty sample', { value: 1, sampleSize: 0 }, false],
    ['no rate (null)', { value: null, sampleSize: 0 }, false],
  ])('%s → %s', (_name, sample, expected) => {
    expect(isRecovered(rule, sample)).toBe(expected);
  });

  it.each<[string, AlertRule, Sample, 'breached' | 'recovered' | 'neither']>([
    ['a target of 50 % is not breached at 51.66 %, but that is inside its 2-point band', { ...rule, target: 0.5 }, { value: 0.5166, sampleSize: 300 }, 'neither'],
    ['a target of 60 % is breached at 51.66 %', { ...rule, target: 0.6 }, { value: 0.5166, sampleSize: 300 }, 'breached'],
    ['minSample 0 is breached by a single late dossier', { ...rule, minSample: 0 }, { value: 0, sampleSize: 1 }, 'breached'],
    ['margin 0 recovers exactly at target', { ...rule, recoveryMargin: 0 }, { value: 0.8, sampleSize: 100 }, 'recovered'],
    ['margin 5 points does not recover at 84 %', { ...rule, recoveryMargin: 0.05 }, { value: 0.84, sampleSize: 100 }, 'neither'],
    ['a count above its threshold is breached', overdue, { value: 11, sampleSize: 11 }, 'breached'],
    ['a count at its threshold is not', overdue, { value: 10, sampleSize: 10 }, 'neither'],
    ['a count recovers at threshold − margin', overdue, { value: 8, sampleSize: 8 }, 'recovered'],
  ])('%s', (_name, custom, sample, expected) => {
    const got = isBreached(custom, sample) ? 'breached' : isRecovered(custom, sample) ? 'recovered' : 'neither';
    expect(got).toBe(expected);
  });
});

describe('ruleForUnit (per-unit overrides)', () => {
  const withOverrides: AlertRule = {
    ...rule,
    overrides: [
      { unitCode: '28756', target: 0.6 },
      { unitCode: '28777', minSample: 5 },
      { unitCode: '86', disabled: true },
    ],
  };
  it.each<[string, string, Partial<AlertRule> | undefined]>([
    ['a unit without override gets the rule', '28840', { target: 0.8, minSample: 30 }],
    ['an override replaces the target only', '28756', { target: 0.6, minSample: 30 }],
    ['an override replaces the minimum sample only', '28777', { target: 0.8, minSample: 5 }],
    ['a disabled unit is left out', '86', undefined],
  ])('%s', (_name, unit, expected) => {
    const got = ruleForUnit(withOverrides, unit);
    if (expected === undefined) expect(got).toBeUndefined();
    else expect(got).toMatchObject(expected);
  });
});

describe('windowBounds', () => {
  // 2025-08-15 01:00 local = 2025-08-14T18:00Z: the local day, not the UTC one, decides.
  const now = Date.parse('2025-08-14T18:00:00Z');
  it.each<[string, AlertRule['window'], { from: string; to: string }]>([
    ['rolling 30 days ends today and holds 30 days', { kind: 'rolling', days: 30 }, { from: '2025-07-17', to: '2025-08-15' }],
    ['rolling 1 day is today', { kind: 'rolling', days: 1 }, { from: '2025-08-15', to: '2025-08-15' }],
    ['rolling 90 days', { kind: 'rolling', days: 90 }, { from: '2025-05-18', to: '2025-08-15' }],
    ['month to date', { kind: 'monthToDate' }, { from: '2025-08-01', to: '2025-08-15' }],
    ['quarter to date', { kind: 'quarterToDate' }, { from: '2025-07-01', to: '2025-08-15' }],
  ])('%s', (_name, window, expected) => {
    expect(windowBounds(window, now)).toEqual(expected);
  });
});
