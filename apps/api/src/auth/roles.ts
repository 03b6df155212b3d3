import { SetMetadata } from '@nestjs/common';

export const ROLES = ['ioc', 'operator', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'tthc:roles';
/** Roles allowed on a handler; `admin` is always allowed. No decorator: any valid key. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export function parseApiKeys(spec: string): Map<string, Set<Role>> {
  const keys = new Map<string, Set<Role>>();
  for (const entry of spec.split(',')) {
    const [key, roles] = entry.split('=');
    keys.set(key, new Set(roles.split('|') as Role[]));
  }
  return keys;
}
