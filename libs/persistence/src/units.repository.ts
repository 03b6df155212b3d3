import type { Sql } from './sql';

export interface UnitRow {
  code: string;
  name: string;
  divisionType: string;
  provinceCode: string;
}

/** Inserts or refreshes catalogue units; idempotent, so provisioning can run on every start. */
export async function upsertUnits(sql: Sql, units: UnitRow[]): Promise<void> {
  await sql.query(
    `INSERT INTO units (code, name, division_type, province_code)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, division_type = EXCLUDED.division_type,
       province_code = EXCLUDED.province_code, active = true`,
    [units.map((u) => u.code), units.map((u) => u.name), units.map((u) => u.divisionType), units.map((u) => u.provinceCode)],
  );
}

export async function listUnits(sql: Sql): Promise<UnitRow[]> {
  return sql.query(
    `SELECT code, name, division_type AS "divisionType", province_code AS "provinceCode"
       FROM units WHERE active ORDER BY (division_type = 'tỉnh') DESC, code`,
  );
}
