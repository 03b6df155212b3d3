import { DOSSIERS_TABLE, TIMES_COLUMNS, localDaySql, overdueFrom } from './overdue-rule.sql';

/**
 * The open/overdue gauge changes of PRODUCT.md's overdue rule in SQL (libs/domain
 * `openIntervals`, `countDossierFacts`): from a relation `source` with one row per dossier —
 * `unit_code`, `opened_at` (receipt, or LATE flag without one), `due_at` (of that fact),
 * `late_at` (earliest LATE flag) and `resolved_at` — the +1/−1 edges of each dossier's open and
 * overdue intervals, as rows (`keys`…, at, open_change, overdue_change); `prefix` names the CTEs. Group them by the
 * local day of `at` to get the day rows the aggregator keeps.
 *
 * Shared by the migration that backfills the columns from `dossiers` and by the auditor's recount
 * from the raw event log (which derives `source` from events by its own SQL).
 */
export function gaugeEdgesSql(source: string, keys = 'unit_code', prefix = 'gauge'): string {
  return `
    ${prefix}_intervals AS (
      SELECT ${keys}, opened_at, resolved_at, ${overdueFrom(TIMES_COLUMNS)} AS overdue_at
        FROM ${source}
       WHERE opened_at IS NOT NULL
    ), ${prefix}_edges AS (
      SELECT ${keys}, opened_at AS at, 1 AS open_change, 0 AS overdue_change
        FROM ${prefix}_intervals WHERE resolved_at IS NULL OR resolved_at > opened_at
      UNION ALL
      SELECT ${keys}, resolved_at, -1, 0 FROM ${prefix}_intervals WHERE resolved_at > opened_at
      UNION ALL
      SELECT ${keys}, overdue_at, 0, 1 FROM ${prefix}_intervals WHERE resolved_at IS NULL OR resolved_at > overdue_at
      UNION ALL
      SELECT ${keys}, resolved_at, 0, -1 FROM ${prefix}_intervals WHERE resolved_at > overdue_at
    )`;
}

/** `dossiers` rows in the shape `gaugeEdgesSql` reads. */
export const DOSSIER_GAUGE_SOURCE = `(
  SELECT unit_code,
         ${DOSSIERS_TABLE.openedAt} AS opened_at,
         ${DOSSIERS_TABLE.dueAt} AS due_at,
         ${DOSSIERS_TABLE.lateAt} AS late_at,
         ${DOSSIERS_TABLE.resolvedAt} AS resolved_at
    FROM dossiers
) AS dossier_facts`;

/**
 * Rewrites every day row's gauge changes from the dossiers table (set-based, one statement):
 * the backfill when the columns are added, and for tools that seed dossiers directly.
 */
export const REBUILD_GAUGE_CHANGES_FROM_DOSSIERS = `
  WITH ${gaugeEdgesSql(DOSSIER_GAUGE_SOURCE)},
  per_day AS (
    SELECT unit_code, ${localDaySql('at')} AS day,
           SUM(open_change)::int AS open_change, SUM(overdue_change)::int AS overdue_change
      FROM gauge_edges GROUP BY 1, 2
  ), cleared AS (
    UPDATE unit_daily_counters SET open_change = 0, overdue_change = 0
     WHERE open_change <> 0 OR overdue_change <> 0
  )
  INSERT INTO unit_daily_counters AS c (unit_code, day, open_change, overdue_change)
  SELECT unit_code, day, open_change, overdue_change FROM per_day
   WHERE open_change <> 0 OR overdue_change <> 0
  ON CONFLICT (unit_code, day) DO UPDATE SET open_change = EXCLUDED.open_change, overdue_change = EXCLUDED.overdue_change`;
