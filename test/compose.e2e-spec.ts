import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Issue 13: the compose file, as far as a Docker client checks it without an engine (this
 * project's machines have the client, not the engine): the Compose V2 plugin when installed,
 * else Debian's docker-compose 1.29 (.ci/run installs it). `config` validates the file against
 * the Compose schema and resolves anchors, profiles and variables. Then the api's start guard is
 * run as compose would run it: it refuses missing or published keys and starts with real ones.
 */
const ROOT = join(__dirname, '..');

function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  throw new Error('neither `docker compose` nor `docker-compose` is installed: apt-get install docker-compose');
}

function config(env: Record<string, string> = {}): { services: Record<string, any> } {
  const [cmd, ...args] = composeCommand();
  const out = execFileSync(cmd, [...args, '-f', join(ROOT, 'docker-compose.yml'), '--profile', 'local', '--profile', 'production', 'config'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, API_KEYS: '', ...env },
  });
  return parseYaml(out) as { services: Record<string, any> };
}

describe('docker-compose.yml (checked by the Docker client, no engine)', () => {
  const { services } = config();

  it('validates and names every service with the profile that starts it', () => {
    const profiles = Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.profiles ?? []]));
    expect(profiles).toEqual({
      kafka: [], postgres: [], redis: [], provision: [], ingest: [], aggregator: [], notifier: [],
      api: ['production'], 'api-local': ['local'], simulator: ['local'],
    });
    for (const w of ['ingest', 'aggregator', 'notifier']) expect(services[w].environment.HEALTH_PORT).toBe('3100');
    expect(services['api-local'].environment.API_KEYS).toMatch(/^local-ioc-key=ioc,/);
  });

  describe("the api's start guard (production profile)", () => {
    // `$$` in the file is a literal `$` once compose runs the command.
    const script = (services.api.command as string[])[2].replace(/\$\$/g, '$');
    let bin: string;

    beforeAll(() => {
      bin = mkdtempSync(join(tmpdir(), 'tthc-compose-'));
      writeFileSync(join(bin, 'node'), '#!/bin/sh\necho "node started: $*"\n');
      chmodSync(join(bin, 'node'), 0o755);
    });

    afterAll(() => rmSync(bin, { recursive: true, force: true }));

    const run = (apiKeys: string | undefined) => {
      const env: Record<string, string> = { PATH: `${bin}:/usr/bin:/bin` };
      if (apiKeys !== undefined) env.API_KEYS = apiKeys;
      return spawnSync('sh', ['-c', script], { env, encoding: 'utf8' });
    };

    it.each([
      ['unset', undefined, /API_KEYS is not set/],
      ['empty', '', /API_KEYS is not set/],
      ['the published local keys', 'local-ioc-key=ioc,local-admin-key=admin', /published local key/],
      ['a real key beside a local one', 'x7fQ2mZp9w=ioc,local-admin-key=admin', /published local key/],
    ])('refuses to start with API_KEYS %s', (_name, keys, message) => {
      const r = run(keys);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).not.toContain('node started');
    });

    it('starts the api with keys of your own', () => {
      const r = run('x7fQ2mZp9w=ioc,Yq3vN8tR1k=operator');
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe('node started: dist/apps/api/src/main.js');
    });
  });
});
