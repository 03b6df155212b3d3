import { CommonSettings } from './common.settings';
import { SettingsError, loadSettings } from './load-settings';

describe('loadSettings', () => {
  it('applies defaults for what is not set', () => {
    const s = loadSettings(CommonSettings, {});
    expect(s.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(s.TOPIC_PARTITIONS).toBe(6);
    expect(s.PROVINCE_CODE).toBe('86');
  });

  it('reads and converts what is set', () => {
    const s = loadSettings(CommonSettings, { KAFKA_BROKERS: 'k1:9092,k2:9092', TOPIC_PARTITIONS: '24', PROVINCE_CODE: 'all' });
    expect(s).toMatchObject({ KAFKA_BROKERS: 'k1:9092,k2:9092', TOPIC_PARTITIONS: 24, PROVINCE_CODE: 'all' });
  });

  it('names every bad setting in one error, with what it got', () => {
    let error: unknown;
    try {
      loadSettings(CommonSettings, { KAFKA_BROKERS: 'localhost', DATABASE_URL: 'mysql://x', TOPIC_PARTITIONS: 'many', PROVINCE_CODE: '8' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const problems = (error as SettingsError).problems.join('\n');
    expect(problems).toContain('KAFKA_BROKERS: must be host:port[,host:port…] (got "localhost")');
    expect(problems).toContain('DATABASE_URL: must be a postgres:// URL (got "mysql://x")');
    expect(problems).toMatch(/TOPIC_PARTITIONS: .*must be an integer number.* \(got "many"\)/);
    expect(problems).toContain('PROVINCE_CODE: must be a 2-digit province code or "all"');
    expect((error as SettingsError).problems).toHaveLength(4);
  });

  it('never shows a secret or a password in the error, which reaches the logs', () => {
    let error: unknown;
    try {
      loadSettings(CommonSettings, { DATABASE_URL: 'mysql://tthc:db-pass-1@db/tthc', REDIS_URL: 'http://:redis-pass-2@r:6379' });
    } catch (e) {
      error = e;
    }
    const problems = (error as SettingsError).problems.join('\n');
    expect(problems).toContain('DATABASE_URL: must be a postgres:// URL (got "mysql://tthc:[redacted]@db/tthc")');
    expect(problems).not.toContain('db-pass-1');
    expect(problems).toContain('REDIS_URL: must be a redis:// URL (got "http://:[redacted]@r:6379")');
    expect(problems).not.toContain('redis-pass-2');
  });

  it('reads the Kafka security settings, and wants credentials with a SASL mechanism', () => {
    expect(loadSettings(CommonSettings, {})).toMatchObject({ KAFKA_SSL: false });
    expect(loadSettings(CommonSettings, { KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toMatchObject({
      KAFKA_SSL: true,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
    });
    let error: unknown;
    try {
      loadSettings(CommonSettings, { KAFKA_SSL: 'yes', KAFKA_SASL_MECHANISM: 'scram-sha-512' });
    } catch (e) {
      error = e;
    }
    const problems = (error as SettingsError).problems;
    expect(problems).toEqual([
      'KAFKA_SSL: must be true or false (got "yes")',
      'KAFKA_SASL_USERNAME: must be set when KAFKA_SASL_MECHANISM is (not set)',
      'KAFKA_SASL_PASSWORD: must be set when KAFKA_SASL_MECHANISM is (not set)',
    ]);
  });
});
