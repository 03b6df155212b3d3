import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { PROCEDURE_COLUMNS, type Procedure, type ProcedureRecord, parseProcedureRecord } from '@tthc/domain';

/** A CSV problem at a line of the file (1-based, as an editor numbers lines). */
export interface CatalogueLineError {
  line: number;
  message: string;
}

export interface ProcedureCsv {
  procedures: Procedure[];
  errors: CatalogueLineError[];
}

const DATA_DIR = join(__dirname, '..', 'data');

/** At most this many rows per file: the province's 2,161 with room to spare, nothing unbounded. */
export const MAX_PROCEDURE_ROWS = 50_000;

/**
 * A procedure catalogue CSV read whole: every row checked, every problem reported with its line
 * (`code must look like 1.001193 …`), duplicates of a code named with the line that had it first.
 * Lines starting with `#` are comments; a UTF-8 BOM (as Excel writes) is ignored. The caller
 * decides what to do with a file that has errors (the cli loads nothing from it).
 */
export function parseProcedureCsv(text: string | Buffer): ProcedureCsv {
  const errors: CatalogueLineError[] = [];
  let rows: { record: ProcedureRecord; line: number }[];
  try {
    const records = parse(text, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      comment: '#',
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
      to: MAX_PROCEDURE_ROWS + 1,
    }) as { record: ProcedureRecord; info: { lines: number } }[];
    rows = records.map((r) => ({ record: r.record, line: r.info.lines }));
  } catch (e) {
    const err = e as Error & { lines?: number };
    return { procedures: [], errors: [{ line: err.lines ?? 0, message: err.message }] };
  }
  if (rows.length > MAX_PROCEDURE_ROWS) return { procedures: [], errors: [{ line: rows[MAX_PROCEDURE_ROWS].line, message: `more than ${MAX_PROCEDURE_ROWS} rows` }] };
  if (rows.length > 0) {
    const missing = PROCEDURE_COLUMNS.filter((c) => !(c in rows[0].record));
    if (missing.length > 0) return { procedures: [], errors: [{ line: 1, message: `header lacks column(s) ${missing.join(', ')} (needs ${PROCEDURE_COLUMNS.join(',')}[,deadline_working_days])` }] };
  }
  const firstLine = new Map<string, number>();
  const procedures: Procedure[] = [];
  for (const { record, line } of rows) {
    const parsed = parseProcedureRecord(record);
    if ('problems' in parsed) {
      for (const message of parsed.problems) errors.push({ line, message });
      continue;
    }
    const seen = firstLine.get(parsed.procedure.code);
    if (seen !== undefined) {
      errors.push({ line, message: `code ${parsed.procedure.code} is already on line ${seen}` });
      continue;
    }
    firstLine.set(parsed.procedure.code, line);
    procedures.push(parsed.procedure);
  }
  return { procedures, errors };
}

/** The shipped sample (data/procedures-sample.csv; its source in data/SOURCE.md). Throws if it is broken. */
export function loadSampleProcedures(): Procedure[] {
  const { procedures, errors } = parseProcedureCsv(readFileSync(join(DATA_DIR, 'procedures-sample.csv')));
  if (errors.length > 0) throw new Error(`procedures-sample.csv: ${errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
  return procedures;
}
