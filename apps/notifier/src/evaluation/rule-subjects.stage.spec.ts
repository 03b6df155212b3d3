import { type AlertRule, ruleDefaults } from '@tthc/domain';
import { type SubjectCatalogue, ruleSubjects } from './rule-subjects.stage';

const rule = (id: string, over: Partial<AlertRule> = {}): AlertRule => ({ id, metric: 'onlineRate', ...ruleDefaults('onlineRate'), overrides: [], ...over });
const UNITS: Record<string, { name: string; provinceCode: string }> = {
  '28756': { name: 'Phường Phú Khương', provinceCode: '86' },
  '28777': { name: 'Phường An Hội', provinceCode: '86' },
  '00004': { name: 'Phường Ba Đình', provinceCode: '01' },
};
const catalogue: SubjectCatalogue = {
  get: (code) => UNITS[code],
  nameOf: (code) => UNITS[code]?.name ?? code,
  provinceName: (code) => ({ '86': 'Tỉnh Vĩnh Long', '01': 'Thành phố Hà Nội' })[code] ?? `Tỉnh ${code}`,
};
const brief = (subjects: ReturnType<typeof ruleSubjects>) => subjects.map((s) => [s.code, s.name, s.rule.id, s.rule.target, s.members.join(',')]);

describe('ruleSubjects', () => {
  const unitRule = rule('online-30d');
  const provinceRule = rule('province-online', { scope: 'province', target: 0.85 });

  it.each<[string, AlertRule[], string[], boolean, (string | number)[][]]>([
    [
      'one unit rule, two units',
      [unitRule],
      ['28756', '28777'],
      false,
      [
        ['28756', 'Phường Phú Khương', 'online-30d', 0.8, '28756'],
        ['28777', 'Phường An Hội', 'online-30d', 0.8, '28777'],
      ],
    ],
    [
      'an override changes one unit’s target',
      [rule('online-30d', { overrides: [{ unitCode: '28777', target: 0.6 }] })],
      ['28756', '28777'],
      false,
      [
        ['28756', 'Phường Phú Khương', 'online-30d', 0.8, '28756'],
        ['28777', 'Phường An Hội', 'online-30d', 0.6, '28777'],
      ],
    ],
    [
      'a disabled override leaves the unit out',
      [rule('online-30d', { overrides: [{ unitCode: '28756', disabled: true }] })],
      ['28756', '28777'],
      false,
      [['28777', 'Phường An Hội', 'online-30d', 0.8, '28777']],
    ],
    ['province rules wait for the tick', [unitRule, provinceRule], ['28756'], false, [['28756', 'Phường Phú Khương', 'online-30d', 0.8, '28756']]],
    [
      'on the tick, a province is judged over its units, named after its centre',
      [unitRule, provinceRule],
      ['28756', '28777', '00004'],
      true,
      [
        ['28756', 'Phường Phú Khương', 'online-30d', 0.8, '28756'],
        ['28777', 'Phường An Hội', 'online-30d', 0.8, '28777'],
        ['00004', 'Phường Ba Đình', 'online-30d', 0.8, '00004'],
        ['86', 'Tỉnh Vĩnh Long', 'province-online', 0.85, '28756,28777'],
        ['01', 'Thành phố Hà Nội', 'province-online', 0.85, '00004'],
      ],
    ],
    ['no rules, no subjects', [], ['28756'], true, []],
  ])('%s', (_name, rules, units, withProvince, expected) => {
    expect(brief(ruleSubjects(rules, units, catalogue, withProvince))).toEqual(expected);
  });
});
