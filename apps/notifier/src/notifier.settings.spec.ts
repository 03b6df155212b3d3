import { SettingsError, loadSettings } from '@tthc/config';
import { NotifierSettings } from './notifier.settings';

/** Issue 15's grouping settings: defaults as documented, and every bound enforced with the setting named. */
describe('NotifierSettings: grouped notifications', () => {
  it('defaults to a 30 s group wait, a 5 min group interval and 500 units per message', () => {
    expect(loadSettings(NotifierSettings, {})).toMatchObject({ ALERT_GROUP_WAIT_MS: 30_000, ALERT_GROUP_INTERVAL_MS: 300_000, ALERT_GROUP_MAX_UNITS: 500 });
  });

  it('reads what is set, a wait of 0 included (notify at once)', () => {
    const s = loadSettings(NotifierSettings, { ALERT_GROUP_WAIT_MS: '0', ALERT_GROUP_INTERVAL_MS: '60000', ALERT_GROUP_MAX_UNITS: '3321' });
    expect(s).toMatchObject({ ALERT_GROUP_WAIT_MS: 0, ALERT_GROUP_INTERVAL_MS: 60_000, ALERT_GROUP_MAX_UNITS: 3321 });
  });

  it.each([
    ['ALERT_GROUP_WAIT_MS', '-1', /must not be less than 0/],
    ['ALERT_GROUP_WAIT_MS', '3600001', /must not be greater than 3600000/],
    ['ALERT_GROUP_WAIT_MS', '30s', /must be an integer/],
    ['ALERT_GROUP_INTERVAL_MS', '99', /must not be less than 100/],
    ['ALERT_GROUP_INTERVAL_MS', '86400001', /must not be greater than 86400000/],
    ['ALERT_GROUP_MAX_UNITS', '0', /must not be less than 1/],
    ['ALERT_GROUP_MAX_UNITS', '10001', /must not be greater than 10000/],
  ])('refuses %s=%s, naming it', (name, value, message) => {
    let error: unknown;
    try {
      loadSettings(NotifierSettings, { [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const [problem, ...others] = (error as SettingsError).problems;
    expect(others).toEqual([]);
    expect(problem.startsWith(`${name}: `)).toBe(true);
    expect(problem).toMatch(message);
  });
});
