import type { EntityManager } from 'typeorm';

/** Anything that can run SQL: a DataSource, or the EntityManager of an open transaction. */
export type Sql = Pick<EntityManager, 'query'>;

export const toIso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
export const fromTs = (v: Date | string | null): number | undefined => (v === null || v === undefined ? undefined : v instanceof Date ? v.getTime() : Date.parse(v));
