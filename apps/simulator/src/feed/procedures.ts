import { loadSampleProcedures } from '@tthc/catalogue';
import type { Procedure } from '@tthc/domain';

/**
 * The simulator's procedures, drawn from the procedure catalogue's real sample
 * (libs/catalogue/data/procedures-sample.csv, issue 15): the codes, levels and statutory deadlines
 * are the catalogue's, so every simulated dossier's procedure is one the api can name and put
 * under a level. What is the simulator's own assumption is the share of volume each procedure
 * gets: short commune procedures (civil status, residence, certification) dominate by count.
 */
export type DeadlineWorkingDays = number;

export interface ProcedureSpec {
  code: string;
  /** Statutory deadline in working days (hạn giải quyết), from the catalogue. */
  workingDays: DeadlineWorkingDays;
  /** Relative share of the dossiers of the units that offer it. */
  weight: number;
}

/** Relative volume per procedure code at the commune centres (cấp xã): the simulator's assumption. */
const COMMUNE_WEIGHTS: Readonly<Record<string, number>> = {
  '1.001193': 18,
  '1.004194': 14,
  '2.000884': 12,
  '2.000815': 12,
  '1.000656': 9,
  '2.001159': 8,
  '1.004873': 7,
  '1.000894': 6,
  '1.004222': 6,
  '1.002755': 5,
  '1.003677': 4,
  '2.000635': 4,
  '1.001612': 4,
  '1.010028': 3,
  '1.003197': 3,
  '1.010038': 3,
  '1.001022': 2,
  '1.000689': 2,
  '1.004884': 2,
  '1.004837': 1,
  '1.003583': 1,
};

/** Relative volume at the provincial centre (cấp tỉnh). */
const PROVINCIAL_WEIGHTS: Readonly<Record<string, number>> = {
  '1.000010': 30,
  '2.000815': 14,
  '2.000884': 12,
  '1.014199': 16,
  '1.014201': 12,
  '1.014200': 8,
  '1.014197': 8,
};

function specs(catalogue: readonly Procedure[], weights: Readonly<Record<string, number>>): ProcedureSpec[] {
  return Object.entries(weights).map(([code, weight]) => {
    const p = catalogue.find((x) => x.code === code);
    if (!p || p.deadlineWorkingDays === null) throw new Error(`simulator procedure ${code} is not in the catalogue sample with a deadline`);
    return { code, workingDays: p.deadlineWorkingDays, weight };
  });
}

const CATALOGUE = loadSampleProcedures();

/** Procedures received at the commune centres: the catalogue's commune and shared ones. */
export const COMMUNE_PROCEDURES: readonly ProcedureSpec[] = specs(CATALOGUE, COMMUNE_WEIGHTS);

/** Procedures received at the provincial centre: the catalogue's provincial and shared ones. */
export const PROVINCIAL_PROCEDURES: readonly ProcedureSpec[] = specs(CATALOGUE, PROVINCIAL_WEIGHTS);

/** Running sums of the weights, for Prng#pickCumulative. */
export function cumulativeWeights(items: readonly { weight: number }[]): Float64Array {
  const out = new Float64Array(items.length);
  let sum = 0;
  items.forEach((item, i) => {
    sum += item.weight;
    out[i] = sum;
  });
  return out;
}
