import { DEFAULT_ALERT_RULES } from '@tthc/domain';
import { AlertRulesError, parseAlertRules } from './alert-rules.config';

function problemsOf(json: string): string[] {
  try {
    parseAlertRules(json);
  } catch (e) {
    if (e instanceof AlertRulesError) return e.problems;
    throw e;
  }
  throw new Error('expected the rules to be rejected');
}

describe('parseAlertRules', () => {
  it('unset or blank gives the defaults of PRODUCT.md', () => {
    expect(parseAlertRules(undefined)).toEqual(DEFAULT_ALERT_RULES);
    expect(parseAlertRules('  ')).toEqual(DEFAULT_ALERT_RULES);
  });

  it('fills omitted fields with the defaults for the metric', () => {
    const [online, overdue] = parseAlertRules(
      JSON.stringify([
        { id: 'online-qtd', metric: 'onlineRate', window: 'quarterToDate', for: '15m', severity: 'critical', overrides: [{ unitCode: '28756', target: 0.6 }] },
        { id: 'overdue', metric: 'overdueOpen', target: 20, scope: 'province' },
      ]),
    );
    expect(online).toEqual({
      id: 'online-qtd',
      metric: 'onlineRate',
      comparison: 'below',
      target: 0.8,
      window: { kind: 'quarterToDate' },
      minSample: 30,
      recoveryMargin: 0.02,
      forMs: 15 * 60_000,
      severity: 'critical',
      worseningStep: 0.05,
      scope: 'unit',
      overrides: [{ unitCode: '28756', target: 0.6, minSample: undefined, disabled: undefined }],
    });
    expect(overdue).toMatchObject({ metric: 'overdueOpen', comparison: 'above', target: 20, minSample: 0, scope: 'province', window: { kind: 'rolling', days: 30 } });
  });

  it.each<[string, unknown, RegExp]>([
    ['a target given in percent', [{ id: 'a', metric: 'onlineRate', target: 80 }], /ALERT_RULES\[0\]\.target: a rate target is a ratio 0\.\.1/],
    ['an unknown metric', [{ id: 'a', metric: 'onlineShare' }], /ALERT_RULES\[0\]\.metric: metric must be one of/],
    ['a bad window', [{ id: 'a', metric: 'onlineRate', window: '30 days' }], /ALERT_RULES\[0\]\.window: window must be rollingNd/],
    ['a bad duration', [{ id: 'a', metric: 'onlineRate', for: '15 minutes' }], /ALERT_RULES\[0\]\.for: for must be a duration/],
    ['a negative minimum sample', [{ id: 'a', metric: 'onlineRate', minSample: -1 }], /ALERT_RULES\[0\]\.minSample/],
    ['an unknown field', [{ id: 'a', metric: 'onlineRate', threshold: 0.8 }], /ALERT_RULES\[0\]\.threshold/],
    [
      'a duplicate id',
      [
        { id: 'a', metric: 'onlineRate' },
        { id: 'a', metric: 'onTimeRate' },
      ],
      /ALERT_RULES\[1\]\.id: "a" is used by an earlier rule/,
    ],
    ['a bad override', [{ id: 'a', metric: 'onlineRate', overrides: [{ unitCode: '28756', target: 'x' }] }], /ALERT_RULES\[0\]\.overrides\[0\]\.target/],
    ['an override target in percent', [{ id: 'a', metric: 'onlineRate', overrides: [{ unitCode: '28756', target: 60 }] }], /overrides\[0\]\.target: a rate target/],
    ['not an array', { id: 'a' }, /non-empty JSON array/],
  ])('rejects %s, naming the field', (_name, value, expected) => {
    expect(problemsOf(JSON.stringify(value)).join('\n')).toMatch(expected);
  });

  it('rejects text that is not JSON', () => {
    expect(problemsOf('[{id: a}]')[0]).toMatch(/^ALERT_RULES: not JSON/);
  });
});
