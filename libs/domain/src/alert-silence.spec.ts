import { type Silence, findSilence } from './alert-silence';

const T = Date.parse('2025-07-31T05:00:00Z');
const H = 3_600_000;
const silence = (over: Partial<Silence>): Silence => ({ id: 's', unitCode: '28756', ruleId: null, startsAt: T, endsAt: T + H, expiredAt: null, ...over });

describe('findSilence', () => {
  it.each<[string, Partial<Silence>, string, string, number, boolean]>([
    ['a unit silence covers every rule of that unit', {}, '28756', 'online-rate-30d', T, true],
    ['it does not cover another unit', {}, '28777', 'online-rate-30d', T, false],
    ['a rule silence covers every unit', { unitCode: null, ruleId: 'on-time-rate-30d' }, '28777', 'on-time-rate-30d', T, true],
    ['a rule silence does not cover another rule', { unitCode: null, ruleId: 'on-time-rate-30d' }, '28777', 'online-rate-30d', T, false],
    ['unit × rule covers only that pair', { ruleId: 'online-rate-30d' }, '28756', 'on-time-rate-30d', T, false],
    ['not before it starts', {}, '28756', 'x', T - 1, false],
    ['up to, not including, its end', {}, '28756', 'x', T + H - 1, true],
    ['not at its end', {}, '28756', 'x', T + H, false],
    ['not once expired by hand', { expiredAt: T + 10 }, '28756', 'x', T + 10, false],
    ['still before the hand-expiry time', { expiredAt: T + 10 }, '28756', 'x', T + 9, true],
  ])('%s', (_name, over, unit, rule, now, expected) => {
    expect(findSilence([silence(over)], unit, rule, now) !== undefined).toBe(expected);
  });
});
