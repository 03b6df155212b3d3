import { diffDayCounters, type GroundTruthFile } from '@tthc/process-kit';
import type { BenchEnv } from './bench-env';

export { COUNTERS, type CounterField, type GroundTruthFile } from '@tthc/process-kit';

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
  const { rowsCompared, differences } = await diffDayCounters((text, params) => env.sql(text, params), truth);
  const [raw] = await env.sql<{ n: string }>(`SELECT count(*) AS n FROM raw_events`);
  const [rej] = await env.sql<{ n: string }>(`SELECT count(*) AS n FROM rejected_events`);
  return {
    rowsCompared,
    differences,
    rawEvents: { expected: truth.expected.rawEvents, actual: Number(raw.n) },
    rejected: { expected: truth.expected.dlq, actual: Number(rej.n) },
  };
}

export const truthCheckPassed = (c: TruthCheck): boolean => c.differences.length === 0 && c.rawEvents.expected === c.rawEvents.actual && c.rejected.expected === c.rejected.actual;
