import { readFile } from 'node:fs/promises';
import type { DataSource } from 'typeorm';
import { parseProcedureCsv } from '@tthc/catalogue';
import type { ProcedureLevel } from '@tthc/domain';
import { countProceduresByLevel, upsertProcedures } from '@tthc/persistence';

export interface ProcedureLoadReport {
  file: string;
  rows: number;
  inserted: number;
  updated: number;
  /** The catalogue after the load, per level. */
  catalogue: Record<ProcedureLevel, number>;
}

/** A file that cannot be loaded: every problem, each as `file:line: message`. */
export class ProcedureFileError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'ProcedureFileError';
  }
}

/**
 * `procedures load --file x.csv`: the whole file is checked first; any bad line and nothing is
 * written (a half-loaded catalogue would silently move dossiers between levels). A good file is
 * written in one transaction; codes already in the catalogue take the file's values.
 */
export async function loadProcedureFile(ds: DataSource, file: string): Promise<ProcedureLoadReport> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch (e) {
    throw new ProcedureFileError([`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  const { procedures, errors } = parseProcedureCsv(text);
  if (errors.length > 0) throw new ProcedureFileError(errors.map((e) => `${file}:${e.line}: ${e.message}`));
  if (procedures.length === 0) throw new ProcedureFileError([`${file}: no procedures (a header and at least one row are needed)`]);
  return ds.transaction(async (tx) => {
    const { inserted, updated } = await upsertProcedures(tx, procedures, 'replace');
    return { file, rows: procedures.length, inserted, updated, catalogue: await countProceduresByLevel(tx) };
  });
}
