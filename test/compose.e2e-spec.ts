import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LOCAL_API_KEYS_SPEC } from '../apps/api/src/auth/api-keys';

/**
 * Issue 13: the compose file, as far as a Docker client checks it without an engine (this
 * project's machines have the client, not the engine): the Compose V2 plugin when installed,
 * else Debian's docker-compose 1.29 (.ci/run installs it). `config` validates the file against
 * the Compose schema and resolves anchors, profiles and variables. Then the built api is started
 * with the environment compose gives the production service: it refuses missing or published keys.
 */
const ROOT = join(__dirname, '..');

function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  throw new Error('neither `docker compose` nor `docker-compose` is installed: apt-get install docker-compose');
}

/** What the checks read of `compose config`'s output: its services' profiles and environment. */
interface ComposeConfig {
  services: Record<string, { profiles?: string[]; environment: Record<string, string> }>;
}

function config(env: Record<string, string> = {}): ComposeConfig {
  const [cmd, ...args] = composeCommand();
  const out = execFileSync(cmd, [...args, '-f', join(ROOT, 'docker-compose.yml'), '--profile', 'local', '--profile', 'production', 'config'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, API_KEYS: '', ...env },
  });
  return parseYaml(out) as ComposeConfig;
}

describe('docker-compose.yml (checked by the Docker client, no engine)', () => {
  const { services } = config();

  it('validates and names every service with the profile that starts it', () => {
    const profiles = Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.profiles ?? []]));
    expect(profiles).toEqual({
      kafka: [],
      postgres: [],
      redis: [],
      provision: [],
      ingest: [],
      aggregator: [],
      notifier: [],
      api: ['production'],
      'api-local': ['local'],
      simulator: ['local'],
    });
    for (const w of ['ingest', 'aggregator', 'notifier']) expect(services[w].environment.HEALTH_PORT).toBe('3100');
  });

  it('runs the api in production mode, and only api-local (the local profile) in local mode', () => {
    expect(services.api.environment.TTHC_ENV).toBe('production');
    expect(services['api-local'].environment.TTHC_ENV).toBe('local');
    expect(services['api-local'].environment.API_KEYS).toBeUndefined();
    for (const w of ['ingest', 'aggregator', 'notifier', 'provision']) expect(services[w].environment.TTHC_ENV).toBe('production');
  });

  describe('the production api refuses to start without keys of its own (the built api, with the environment compose gives it)', () => {
    // The compose service's environment, with the hosts of this machine instead of the containers'.
    const run = (apiKeys: string | undefined) => {
      const env: Record<string, string> = {
        PATH: process.env.PATH!,
        ...services.api.environment,
        DATABASE_URL: process.env.DATABASE_URL!,
        REDIS_URL: process.env.REDIS_URL!,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
      };
      delete env.API_KEYS;
      if (apiKeys !== undefined) env.API_KEYS = apiKeys;
      return spawnSync(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], { env, encoding: 'utf8', timeout: 30_000 });
    };

    it.each([
      ['unset', undefined, /API_KEYS: must be set outside local mode/],
      ['empty', '', /API_KEYS: must be set outside local mode/],
      ['the published local keys', LOCAL_API_KEYS_SPEC, /local/],
    ])('API_KEYS %s: exit 1, naming API_KEYS', (_name, keys, message) => {
      const r = run(keys);
      expect(r.status).toBe(1);
      expect(r.stdout + r.stderr).toMatch(message);
      expect(r.stdout + r.stderr).toContain('API_KEYS');
    });
  });
});
