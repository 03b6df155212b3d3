import type { WritePart } from './combined-writes';
import type { Sql } from './sql';

/**
 * Each unit's version (migration 1765200000000): raised by every transaction that can change the
 * unit's figures. A reader that takes it before reading the figures gets a lower bound of the
 * state it shows; a unit no transaction has written yet is at 0.
 */
export async function readUnitVersions(sql: Sql, unitCodes: readonly string[]): Promise<Map<string, number>> {
  const rows: { unit_code: string; version: string }[] = await sql.query(`SELECT unit_code, version FROM unit_versions WHERE unit_code = ANY($1::text[])`, [unitCodes]);
  return new Map(rows.map((r) => [r.unit_code, Number(r.version)]));
}

/** Raises the versions of `unitCodes` (repeats are harmless), as one part of a combined write (`runWrites`). */
export function unitVersionsWrite(unitCodes: readonly string[]): WritePart {
  return {
    statement: (p) => `INSERT INTO unit_versions AS v (unit_code, version) SELECT DISTINCT u, 1 FROM unnest($${p}::text[]) AS u
       ON CONFLICT (unit_code) DO UPDATE SET version = v.version + 1`,
    values: [unitCodes],
  };
}
