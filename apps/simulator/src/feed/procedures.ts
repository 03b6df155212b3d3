/**
 * A small procedure (TTHC) catalogue for the simulator.
 *
 * The codes have the shape of the national TTHC database's codes (`1.00xxxx`) but the mapping
 * code → deadline → share of volume is the simulator's assumption, not published data; what the
 * pipeline needs from them is a realistic spread of deadlines (1–15 working days) and a mix in
 * which short commune procedures (civil status, certification) dominate by count.
 */
export type DeadlineWorkingDays = 1 | 3 | 5 | 7 | 10 | 15;

export interface ProcedureSpec {
  code: string;
  /** Statutory deadline in working days (hạn giải quyết). */
  workingDays: DeadlineWorkingDays;
  /** Relative share of the dossiers of the units that offer it. */
  weight: number;
}

/** Procedures received at the commune centres (cấp xã). */
export const COMMUNE_PROCEDURES: readonly ProcedureSpec[] = [
  { code: '1.004227', workingDays: 1, weight: 22 },
  { code: '1.001193', workingDays: 1, weight: 18 },
  { code: '1.001766', workingDays: 1, weight: 9 },
  { code: '1.000894', workingDays: 3, weight: 6 },
  { code: '1.000656', workingDays: 3, weight: 4 },
  { code: '1.003583', workingDays: 3, weight: 8 },
  { code: '1.001612', workingDays: 5, weight: 10 },
  { code: '1.001022', workingDays: 5, weight: 7 },
  { code: '1.000775', workingDays: 7, weight: 6 },
  { code: '1.002335', workingDays: 10, weight: 6 },
  { code: '1.004873', workingDays: 15, weight: 4 },
];

/** Procedures received at the provincial centre (cấp tỉnh). */
export const PROVINCIAL_PROCEDURES: readonly ProcedureSpec[] = [
  { code: '1.001048', workingDays: 3, weight: 10 },
  { code: '1.004946', workingDays: 5, weight: 14 },
  { code: '1.001612', workingDays: 5, weight: 12 },
  { code: '1.000420', workingDays: 7, weight: 12 },
  { code: '1.004488', workingDays: 7, weight: 13 },
  { code: '1.005388', workingDays: 10, weight: 16 },
  { code: '1.003011', workingDays: 10, weight: 8 },
  { code: '1.002253', workingDays: 15, weight: 9 },
  { code: '1.000049', workingDays: 15, weight: 6 },
];

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
