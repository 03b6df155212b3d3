import { Matches } from 'class-validator';
import { CommonSettings, isLocalMode, topicReplication } from './common.settings';
import { SettingsError, loadSettings } from './load-settings';
import { SecretSetting } from './secret-setting';

describe('loadSettings', () => {
  it('applies defaults for what is not set', () => {
    const s = loadSettings(CommonSettings, {});
    expect(s.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(s.TOPIC_PARTITIONS).toBe(6);
    expect(s.PROVINCE_CODE).toBe('86');
  });

  it('bounds the batch size a worker fetches per partition (1 MiB unless set; BENCHMARKS.md issue 12)', () => {
    expect(loadSettings(CommonSettings, {}).KAFKA_FETCH_MAX_BYTES_PER_PARTITION).toBe(1_048_576);
    expect(loadSettings(CommonSettings, { KAFKA_FETCH_MAX_BYTES_PER_PARTITION: '4194304' }).KAFKA_FETCH_MAX_BYTES_PER_PARTITION).toBe(4_194_304);
    expect(() => loadSettings(CommonSettings, { KAFKA_FETCH_MAX_BYTES_PER_PARTITION: '1000' })).toThrow(/KAFKA_FETCH_MAX_BYTES_PER_PARTITION: .*not be less than 65536/);
    expect(() => loadSettings(CommonSettings, { KAFKA_FETCH_MAX_BYTES_PER_PARTITION: String(128 * 1024 * 1024) })).toThrow(/KAFKA_FETCH_MAX_BYTES_PER_PARTITION: .*not be greater than 67108864/);
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

describe('loadSettings and secrets', () => {
  class WithSecret extends CommonSettings {
    @SecretSetting()
    @Matches(/^[a-f0-9]{64}$/, { message: 'must be 64 hex digits' })
    SIGNING_KEY = '0'.repeat(64);
  }

  it('names a bad secret setting without showing any of its value', () => {
    let error: unknown;
    try {
      loadSettings(WithSecret, { SIGNING_KEY: 'my-actual-secret-value' });
    } catch (e) {
      error = e;
    }
    expect((error as SettingsError).problems).toEqual(['SIGNING_KEY: must be 64 hex digits (set, 22 characters, value not shown)']);
    expect((error as Error).message).not.toContain('my-actual-secret');
  });

  it('hides the password of a URL setting it shows', () => {
    expect(() => loadSettings(CommonSettings, { REDIS_URL: 'http://default:s3cr3t@cache:6379' })).toThrow('REDIS_URL: must be a redis:// URL (got "http://default:[redacted]@cache:6379")');
  });

  it('defaults to production mode; local mode only when set', () => {
    expect(loadSettings(CommonSettings, {}).TTHC_ENV).toBe('production');
    expect(isLocalMode(loadSettings(CommonSettings, { TTHC_ENV: 'local' }))).toBe(true);
    expect(() => loadSettings(CommonSettings, { TTHC_ENV: 'dev' })).toThrow('TTHC_ENV: must be one of: local, production (got "dev")');
  });

  it('runs cross-setting checks once every field is valid', () => {
    class Checked extends CommonSettings {
      override crossCheck(): string[] {
        return this.TTHC_ENV === 'production' && this.REDIS_KEY_PREFIX === 'tthc' ? ['REDIS_KEY_PREFIX: pick your own in production'] : [];
      }
    }
    expect(() => loadSettings(Checked, {})).toThrow('REDIS_KEY_PREFIX: pick your own in production');
    expect(loadSettings(Checked, { TTHC_ENV: 'local' }).REDIS_KEY_PREFIX).toBe('tthc');
  });
});

describe('topic replication settings', () => {
  it.each<[string, Record<string, string>, { replicationFactor: number; minInsyncReplicas: number }]>([
    ['production by default: 3 copies, 2 in sync', {}, { replicationFactor: 3, minInsyncReplicas: 2 }],
    ['local mode: one broker', { TTHC_ENV: 'local' }, { replicationFactor: 1, minInsyncReplicas: 1 }],
    ['set explicitly', { TOPIC_REPLICATION_FACTOR: '5', TOPIC_MIN_INSYNC_REPLICAS: '3' }, { replicationFactor: 5, minInsyncReplicas: 3 }],
    ['local mode with a 3-broker test cluster', { TTHC_ENV: 'local', TOPIC_REPLICATION_FACTOR: '3', TOPIC_MIN_INSYNC_REPLICAS: '2' }, { replicationFactor: 3, minInsyncReplicas: 2 }],
    ['only the factor set in production: min.insync keeps its default', { TOPIC_REPLICATION_FACTOR: '2' }, { replicationFactor: 2, minInsyncReplicas: 2 }],
  ])('%s', (_name, env, expected) => {
    expect(topicReplication(loadSettings(CommonSettings, env))).toEqual(expected);
  });

  it.each<[Record<string, string>, string]>([
    [{ TOPIC_REPLICATION_FACTOR: '0' }, 'TOPIC_REPLICATION_FACTOR: must not be less than 1 (got "0")'],
    [{ TOPIC_REPLICATION_FACTOR: '17' }, 'TOPIC_REPLICATION_FACTOR: must not be greater than 16 (got "17")'],
    [{ TOPIC_MIN_INSYNC_REPLICAS: 'two' }, 'must be an integer number (got "two")'],
    [{ TOPIC_REPLICATION_FACTOR: '2', TOPIC_MIN_INSYNC_REPLICAS: '3' }, 'TOPIC_MIN_INSYNC_REPLICAS: must be at most the replication factor (3 > TOPIC_REPLICATION_FACTOR 2)'],
    [{ TOPIC_REPLICATION_FACTOR: '1' }, 'TOPIC_MIN_INSYNC_REPLICAS: must be at most the replication factor (2 > TOPIC_REPLICATION_FACTOR 1)'],
    [{ TTHC_ENV: 'local', TOPIC_MIN_INSYNC_REPLICAS: '2' }, 'TOPIC_MIN_INSYNC_REPLICAS: must be at most the replication factor (2 > TOPIC_REPLICATION_FACTOR 1)'],
  ])('refuses %j', (env, message) => {
    expect(() => loadSettings(CommonSettings, env)).toThrow(message);
  });
});
