import { createHash, randomBytes } from 'node:crypto';

/** Roles an API key may carry (apps/api `ROLES`; the CLI may not import the api app). */
const ROLES = ['ioc', 'operator', 'auditor', 'admin'];
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export class KeyUsageError extends Error {}

/** A new key: 32 random bytes, base64url, with a prefix that secret scanners and people recognise. */
export const newApiKey = (random: (n: number) => Buffer = randomBytes): string => `tthc_${random(32).toString('base64url')}`;

/**
 * The `API_KEYS` entry for a key: `name:role[|role]:sha256hex`. The api is configured with this
 * line only; the key itself goes to its holder and is stored nowhere.
 */
export function apiKeyEntry(name: string | undefined, roles: string | undefined, key: string): string {
  if (!name || !NAME.test(name)) throw new KeyUsageError(`--name must be 1–64 characters a-z 0-9 . _ - (the actor recorded for this key), got ${JSON.stringify(name)}`);
  const list = (roles ?? '').split(/[|,]/).filter(Boolean);
  if (list.length === 0 || list.some((r) => !ROLES.includes(r))) {
    throw new KeyUsageError(`--roles must be one or more of ${ROLES.join(', ')} separated by |, got ${JSON.stringify(roles)}`);
  }
  if (key.length < 20) throw new KeyUsageError('the key must be at least 20 characters; `keys new` makes a 256-bit one');
  return `${name}:${list.join('|')}:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}
