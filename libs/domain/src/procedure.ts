/**
 * The procedure (TTHC) catalogue of issue 15: what each procedure is, so every indicator can be
 * broken down and ranked by procedure and by level, and the Đề án 06 essential services tracked
 * on their own. Tỉnh Vĩnh Long configures 2,161 procedures: 1,751 provincial, 312 commune and 98
 * shared by both levels (shared/data/README.md).
 */
export type ProcedureLevel = 'PROVINCIAL' | 'COMMUNE' | 'SHARED';
export const PROCEDURE_LEVELS: readonly ProcedureLevel[] = ['PROVINCIAL', 'COMMUNE', 'SHARED'];

/** How the levels are named to users. */
export const PROCEDURE_LEVEL_LABELS: Readonly<Record<ProcedureLevel, string>> = {
  PROVINCIAL: 'Cấp tỉnh',
  COMMUNE: 'Cấp xã',
  SHARED: 'Dùng chung hai cấp',
};

export interface Procedure {
  /** The national TTHC database's code (mã thủ tục), e.g. `1.001193`. */
  code: string;
  name: string;
  level: ProcedureLevel;
  /** Offered as an online public service on the portal. */
  onlineService: boolean;
  /** Fees can be paid online. */
  onlinePayment: boolean;
  /** One of the Đề án 06 essential public services (dịch vụ công thiết yếu). */
  essential: boolean;
  /** Statutory deadline in working days (hạn giải quyết); `null` when the catalogue does not say. */
  deadlineWorkingDays: number | null;
}

/** The national database's code shape: a digit, a dot, six digits. */
export const PROCEDURE_CODE_PATTERN = /^\d\.\d{6}$/;

const TRUE_WORDS = new Set(['true', 'yes', '1', 'có', 'x']);
const FALSE_WORDS = new Set(['false', 'no', '0', 'không', '']);

/** The columns a catalogue row must have, as written in a CSV header. */
export const PROCEDURE_COLUMNS = ['code', 'name', 'level', 'online_service', 'online_payment', 'essential'] as const;
/** Optional columns. */
export const PROCEDURE_OPTIONAL_COLUMNS = ['deadline_working_days'] as const;

export type ProcedureRecord = Partial<Record<(typeof PROCEDURE_COLUMNS)[number] | (typeof PROCEDURE_OPTIONAL_COLUMNS)[number], string>>;

function flag(record: ProcedureRecord, column: 'online_service' | 'online_payment' | 'essential', problems: string[]): boolean {
  const raw = (record[column] ?? '').trim().toLowerCase();
  if (TRUE_WORDS.has(raw)) return true;
  if (FALSE_WORDS.has(raw)) return false;
  problems.push(`${column} must be true/false (or có/không, 1/0), got ${JSON.stringify(record[column])}`);
  return false;
}

/**
 * One catalogue row checked field by field: the procedure, or every problem with it (so a CSV
 * author sees all of a line's mistakes at once). Names keep their diacritics; text is trimmed.
 */
export function parseProcedureRecord(record: ProcedureRecord): { procedure: Procedure } | { problems: string[] } {
  const problems: string[] = [];
  const code = (record.code ?? '').trim();
  if (!PROCEDURE_CODE_PATTERN.test(code)) problems.push(`code must look like 1.001193 (a digit, a dot, six digits), got ${JSON.stringify(record.code ?? '')}`);
  const name = (record.name ?? '').trim();
  if (name === '') problems.push('name is empty');
  else if (name.length > 500) problems.push(`name is longer than 500 characters (${name.length})`);
  else if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) problems.push('name holds a control character');
  const level = (record.level ?? '').trim().toUpperCase() as ProcedureLevel;
  if (!PROCEDURE_LEVELS.includes(level)) problems.push(`level must be one of ${PROCEDURE_LEVELS.join(', ')}, got ${JSON.stringify(record.level ?? '')}`);
  const onlineService = flag(record, 'online_service', problems);
  const onlinePayment = flag(record, 'online_payment', problems);
  const essential = flag(record, 'essential', problems);
  const rawDeadline = (record.deadline_working_days ?? '').trim();
  let deadlineWorkingDays: number | null = null;
  if (rawDeadline !== '') {
    if (!/^\d{1,3}$/.test(rawDeadline) || Number(rawDeadline) < 1) problems.push(`deadline_working_days must be a whole number of days 1–999, got ${JSON.stringify(rawDeadline)}`);
    else deadlineWorkingDays = Number(rawDeadline);
  }
  if (onlinePayment && !onlineService) problems.push('online_payment is true but online_service is false: payment online needs the service online');
  if (problems.length > 0) return { problems };
  return { procedure: { code, name, level, onlineService, onlinePayment, essential, deadlineWorkingDays } };
}
