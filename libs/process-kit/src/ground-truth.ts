/**
 * The simulator's `ground-truth.json` as the bench and the fault runner read it, and the one
 * comparison of PostgreSQL's day counters with it that both use (apps do not import each other).
 */
export const COUNTERS = ['receivedTotal', 'receivedOnline', 'receivedDirect', 'resolvedTotal', 'resolvedOnTime', 'resolvedLate'] as const;
export type CounterField = (typeof COUNTERS)[number];

export interface GroundTruthFile {
  seed?: number;
  from: string;
  to: string;
  lines: number;
  transport: Record<string, number>;
  expected: { rawEvents: number; dlq: number; validated: number };
  totals?: Record<string, number>;
  days: ({ unitCode: string; day: string } & Record<CounterField, number>)[];
  /** Dossiers open at the end of the period (simulator ≥ issue 11): what the overdue gauge counts. */
  openAtEnd?: { unitCode: string; dueAt: number; lateAt?: number }[];
}

export interface CounterDifference {
  unitCode: string;
  day: string;
  field: CounterField;
  expected: number;
  actual: number;
}

type Sql = <T>(text: string, params?: unknown[]) => Promise<T[]>;

/** Every (unit, local day, counter) in `unit_daily_counters` against the ground truth; a row missing on either side counts as zeros. */
export async function diffDayCounters(sql: Sql, truth: GroundTruthFile): Promise<{ rowsCompared: number; differences: CounterDifference[] }> {
  const rows = await sql<Record<string, string | number>>(
    `SELECT unit_code, to_char(day, 'YYYY-MM-DD') AS day, received_total, received_online, received_direct,
            resolved_total, resolved_on_time, resolved_late
       FROM unit_daily_counters WHERE day BETWEEN $1 AND $2`,
    [truth.from, truth.to],
  );
  const actual = new Map<string, Record<CounterField, number>>();
  for (const r of rows) {
    actual.set(`${String(r.unit_code)}|${String(r.day)}`, {
      receivedTotal: Number(r.received_total),
      receivedOnline: Number(r.received_online),
      receivedDirect: Number(r.received_direct),
      resolvedTotal: Number(r.resolved_total),
      resolvedOnTime: Number(r.resolved_on_time),
      resolvedLate: Number(r.resolved_late),
    });
  }
  const expected = new Map(truth.days.map((d) => [`${d.unitCode}|${d.day}`, d]));
  const keys = new Set([...expected.keys(), ...actual.keys()]);
  const differences: CounterDifference[] = [];
  for (const key of keys) {
    const [unitCode, day] = key.split('|');
    for (const field of COUNTERS) {
      const e = expected.get(key)?.[field] ?? 0;
      const a = actual.get(key)?.[field] ?? 0;
      if (e !== a) differences.push({ unitCode, day, field, expected: e, actual: a });
    }
  }
  return { rowsCompared: keys.size, differences };
}
