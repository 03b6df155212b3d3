import type { BenchEnv } from './bench-env';

/** The parts of the simulator's ground-truth.json the bench reads (apps do not import each other). */
export interface GroundTruthFile {
  from: string;
  to: string;
  lines: number;
  transport: Record<string, number>;
  expected: { rawEvents: number; dlq: number; validated: number };
  totals: Record<string, number>;
  days: ({ unitCode: string; day: string } & Record<CounterField, number>)[];
}

export const COUNTERS = ['receivedTotal', 'receivedOnline', 'receivedDirect', 'resolvedTotal', 'resolvedOnTime', 'resolvedLate'] as const;
export type CounterField = (typeof COUNTERS)[number];

export interface TruthCheck {
  rowsCompared: number;
  differences: { unitCode: string; day: string; field: string; expected: number; actual: number }[];
  rawEvents: { expected: number; actual: number };
  rejected: { expected: number; actual: number };
}

/**
 * The pipeline's final counters in PostgreSQL against the simulator's ground truth, every
 * (unit, day, field); plus the raw log and the DLQ record counts. Any difference fails the run.
 */
export async function checkAgainstGroundTruth(env: BenchEnv, truth: GroundTruthFile): Promise<TruthCheck> {
  const rows = await env.sql<Record<string, string | number>>(
    `SELECT unit_code, to_char(day, 'YYYY-MM-DD') AS day, received_total, received_online, received_direct,
            resolved_total, resolved_on_time, resolved_late
       FROM unit_daily_counters WHERE day BETWEEN $1 AND $2`,
    [truth.from, truth.to],
  );
  const actual = new Map<string, Record<CounterField, number>>();
  for (const r of rows) {
    actual.set(`${r.unit_code}|${r.day}`, {
      receivedTotal: Number(r.received_total),
      receivedOnline: Number(r.received_online),
      receivedDirect: Number(r.received_direct),
      resolvedTotal: Number(r.resolved_total),
      resolvedOnTime: Number(r.resolved_on_time),
      resolvedLate: Number(r.resolved_late),
    });
  }
  const expected = new Map(truth.days.map((d) => [`${d.unitCode}|${d.day}`, d]));
  const differences: TruthCheck['differences'] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const [unitCode, day] = key.split('|');
    for (const f of COUNTERS) {
      const e = expected.get(key)?.[f] ?? 0;
      const a = actual.get(key)?.[f] ?? 0;
      if (e !== a) differences.push({ unitCode, day, field: f, expected: e, actual: a });
    }
  }
  const [raw] = await env.sql<{ n: string }>(`SELECT count(*) AS n FROM raw_events`);
  const [rej] = await env.sql<{ n: string }>(`SELECT count(*) AS n FROM rejected_events`);
  return {
    rowsCompared: new Set([...expected.keys(), ...actual.keys()]).size,
    differences,
    rawEvents: { expected: truth.expected.rawEvents, actual: Number(raw.n) },
    rejected: { expected: truth.expected.dlq, actual: Number(rej.n) },
  };
}

export const truthCheckPassed = (c: TruthCheck): boolean => c.differences.length === 0 && c.rawEvents.expected === c.rawEvents.actual && c.rejected.expected === c.rejected.actual;
