import { createHash } from 'node:crypto';
import { ROLES, type Role } from './roles';

/** A configured API key: who holds it (the name recorded as the actor), what it may do, and the SHA-256 of the key. */
export interface ApiKeyEntry {
  name: string;
  roles: Set<Role>;
  digest: Buffer;
}

/** SHA-256 of a key as configured and compared: the api never holds a key in clear. */
export const keyDigest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

const NAME = '[a-z0-9][a-z0-9._-]{0,63}';
const ROLE_LIST = `(?:${ROLES.join('|')})(?:\\|(?:${ROLES.join('|')}))*`;
const ENTRY = `${NAME}:${ROLE_LIST}:[0-9a-f]{64}`;
export const API_KEYS_PATTERN = new RegExp(`^${ENTRY}(?:,${ENTRY})*$`);

/**
 * The keys the README publishes for a developer's machine, and for `npm run up` and the tests
 * only: accepted in local mode, refused everywhere else, even when configured by hash.
 */
export const LOCAL_API_KEYS: readonly { name: string; roles: Role[]; key: string }[] = [
  { name: 'local-ioc', roles: ['ioc'], key: 'local-ioc-key' },
  { name: 'local-operator', roles: ['operator'], key: 'local-operator-key' },
  { name: 'local-auditor', roles: ['auditor'], key: 'local-auditor-key' },
  { name: 'local-admin', roles: ['admin'], key: 'local-admin-key' },
];

/** One `API_KEYS` entry: `name:role[|role]:sha256hex`. */
export const apiKeyEntry = (name: string, roles: readonly Role[], key: string): string => `${name}:${roles.join('|')}:${keyDigest(key).toString('hex')}`;

export const LOCAL_API_KEYS_SPEC = LOCAL_API_KEYS.map((k) => apiKeyEntry(k.name, k.roles, k.key)).join(',');

/** Parses a spec that already matched API_KEYS_PATTERN. */
export function parseApiKeys(spec: string): ApiKeyEntry[] {
  return spec.split(',').map((entry) => {
    const [name, roles, hex] = entry.split(':');
    return { name, roles: new Set(roles.split('|') as Role[]), digest: Buffer.from(hex, 'hex') };
  });
}

/** What is wrong with a set of keys for this mode: duplicates anywhere, published keys outside local mode. */
export function apiKeyProblems(keys: ApiKeyEntry[], local: boolean): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const k of keys) {
    if (names.has(k.name)) problems.push(`API_KEYS: the name ${k.name} is used twice; each key needs its own name (it is recorded as the actor)`);
    if (digests.has(k.digest.toString('hex'))) problems.push(`API_KEYS: the key named ${k.name} has the same hash as another entry`);
    names.add(k.name);
    digests.add(k.digest.toString('hex'));
    const published = LOCAL_API_KEYS.find((l) => keyDigest(l.key).equals(k.digest));
    if (published && !local) {
      problems.push(`API_KEYS: the key named ${k.name} is the published local key of ${published.name}, accepted in local mode only; make a new one with keys new`);
    }
  }
  return problems;
}
