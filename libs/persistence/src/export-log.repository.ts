import type { Sql } from './sql';

export interface ExportRecord {
  at: number;
  /** The name of the API key that asked for the export. */
  actor: string;
  report: 'units' | 'unit-series' | 'province-series' | `indicators-${'unit' | 'procedure' | 'level' | 'province'}`;
  format: 'csv' | 'xlsx';
  unitCode: string | null;
  granularity: string | null;
  from: string;
  to: string;
  rowCount: number;
}

export async function recordExport(sql: Sql, r: ExportRecord): Promise<void> {
  await sql.query(
    `INSERT INTO export_log (at, actor, report, format, unit_code, granularity, range_from, range_to, row_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [new Date(r.at), r.actor, r.report, r.format, r.unitCode, r.granularity, r.from, r.to, r.rowCount],
  );
}
