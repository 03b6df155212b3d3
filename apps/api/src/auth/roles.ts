import { SetMetadata } from '@nestjs/common';

export const ROLES = ['ioc', 'operator', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLES_KEY = 'tthc:roles';
/** Roles allowed on a handler; `admin` is always allowed. No decorator: any valid key. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
