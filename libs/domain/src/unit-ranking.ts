/** The rates a ranking can order units by (PRODUCT.md; the 766 index next to the province's own). */
export const RANKING_METRICS = ['onlineRate', 'onTimeRate', 'progressRate766'] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];

/**
 * Units ordered weakest first (ascending), so an IOC screen or an auditor sees who needs help at
 * the top. A unit without a rate (nothing to divide) goes last: it is not weak, it has no data.
 * Ties keep the order of the unit code, so the ranking is stable from one refresh to the next.
 */
export function rankAscending<T extends { unitCode: string } & Record<RankingMetric, number | null>>(rows: readonly T[], metric: RankingMetric): (T & { rank: number })[] {
  return [...rows]
    .sort((a, b) => {
      const x = a[metric];
      const y = b[metric];
      if (x === null || y === null) return x === y ? a.unitCode.localeCompare(b.unitCode) : x === null ? 1 : -1;
      return x - y || a.unitCode.localeCompare(b.unitCode);
    })
    .map((r, i) => ({ ...r, rank: i + 1 }));
}
