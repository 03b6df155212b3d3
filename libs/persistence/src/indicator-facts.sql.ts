import { INDICATOR_FIELDS, type IndicatorField } from '@tthc/domain';
import { gaugeEdgesSql } from './gauge-changes.sql';
import { DOSSIERS_TABLE, localDaySql } from './overdue-rule.sql';

/** The column of `unit_procedure_daily_indicators` that holds a field: `receivedTotal` → `received_total`. */
export const indicatorColumn = (f: IndicatorField): string => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export const INDICATOR_COLUMNS = INDICATOR_FIELDS.map(indicatorColumn);

/**
 * The indicator day rows of issue 15 in SQL, written once and shared by the migration's backfill
 * (from `dossiers`) and the auditor's recount (from the raw event log, with its own SQL for the
 * winners): libs/domain `countIndicatorFacts` is the rule, and the audit test holds the two to it.
 *
 * `source` is a relation with one row per dossier: unit_code, procedure_code, received_at,
 * channel, fully_online, components_digitized, resolved_at, resolution_due_at, result_electronic,
 * result_digitized, data_reused, opened_at, due_at, late_at (the gauge instants of
 * `gaugeEdgesSql`), paid_at, payment_method, rated_at, score, feedback_at, feedback_resolved_at,
 * feedback_resolution_due_at, withdrawn_at. Each fact becomes a (time, field, amount) row, the
 * rows are grouped by the local day of their time, and the result is the CTE
 * `indicator_day_rows` (unit_code, procedure_code, day, one column per field).
 */
export function indicatorDayRowsSql(source: string): string {
  const day = (t: string) => localDaySql(t);
  return `
    ${gaugeEdgesSql(source, 'unit_code, procedure_code', 'indicator_gauge')},
    indicator_facts AS (
      SELECT s.unit_code, s.procedure_code, f.at, f.field, f.n
        FROM ${source}
        CROSS JOIN LATERAL (VALUES
          (s.received_at, 'receivedTotal', 1::bigint),
          (s.received_at, CASE WHEN s.channel = 'ONLINE' THEN 'receivedOnline' ELSE 'receivedDirect' END, 1),
          (s.received_at, 'receivedV2', (s.fully_online IS NOT NULL)::int),
          (s.received_at, 'fullyOnline', COALESCE(s.fully_online, false)::int),
          (s.received_at, 'componentsDigitized', (s.fully_online IS NOT NULL AND COALESCE(s.components_digitized, false))::int),
          (s.resolved_at, 'resolvedTotal', 1),
          (s.resolved_at, CASE WHEN s.resolved_at <= s.resolution_due_at THEN 'resolvedOnTime' ELSE 'resolvedLate' END, 1),
          (s.resolved_at, 'resolvedAhead', (s.resolved_at <= s.resolution_due_at AND ${day('s.resolved_at')} < ${day('s.resolution_due_at')})::int),
          (s.resolved_at, 'handlingCount', COALESCE((s.received_at <= s.resolved_at)::int, 0)),
          (s.resolved_at, 'handlingMsSum', CASE WHEN s.received_at <= s.resolved_at
                                                THEN round(extract(epoch FROM s.resolved_at - s.received_at) * 1000)::bigint ELSE 0 END),
          (s.resolved_at, 'resolvedV2', (s.result_electronic IS NOT NULL)::int),
          (s.resolved_at, 'resultElectronic', COALESCE(s.result_electronic, false)::int),
          (s.resolved_at, 'resultDigitized', (s.result_electronic IS NOT NULL AND COALESCE(s.result_digitized, false))::int),
          (s.resolved_at, 'dataReused', (s.result_electronic IS NOT NULL AND COALESCE(s.data_reused, false))::int),
          (s.paid_at, CASE WHEN s.payment_method = 'ONLINE' THEN 'paidOnline' ELSE 'paidCounter' END, 1),
          (s.rated_at, 'ratedCount', 1),
          (s.rated_at, 'ratingSum', s.score::bigint),
          (s.rated_at, 'ratedSatisfied', (s.score >= 4)::int),
          (s.feedback_at, 'feedbackReceived', 1),
          (s.feedback_resolved_at, CASE WHEN s.feedback_resolved_at <= s.feedback_resolution_due_at
                                        THEN 'feedbackResolvedOnTime' ELSE 'feedbackResolvedLate' END, 1),
          (s.withdrawn_at, 'withdrawn', 1)
        ) AS f(at, field, n)
       WHERE f.at IS NOT NULL AND f.n <> 0
      UNION ALL
      SELECT unit_code, procedure_code, at, 'openChange', open_change FROM indicator_gauge_edges WHERE open_change <> 0
      UNION ALL
      SELECT unit_code, procedure_code, at, 'overdueChange', overdue_change FROM indicator_gauge_edges WHERE overdue_change <> 0
    ), indicator_day_rows AS (
      SELECT unit_code, procedure_code, ${day('at')} AS day,
             ${INDICATOR_FIELDS.map((f) => `COALESCE(SUM(n) FILTER (WHERE field = '${f}'), 0)::bigint AS ${indicatorColumn(f)}`).join(',\n             ')}
        FROM indicator_facts
       GROUP BY 1, 2, 3
    )`;
}

/** `dossiers` rows in the shape `indicatorDayRowsSql` reads. */
export const DOSSIER_INDICATOR_SOURCE = `(
  SELECT unit_code, procedure_code, received_at, channel, fully_online, components_digitized,
         resolved_at, resolution_due_at, result_electronic, result_digitized, data_reused,
         ${DOSSIERS_TABLE.openedAt} AS opened_at, ${DOSSIERS_TABLE.dueAt} AS due_at, ${DOSSIERS_TABLE.lateAt} AS late_at,
         paid_at, payment_method, rated_at, score, feedback_at, feedback_resolved_at, feedback_resolution_due_at, withdrawn_at
    FROM dossiers
) AS s`;

/** Fills an empty indicator table from the dossiers table (one statement): the migration's backfill. */
export const BACKFILL_INDICATORS_FROM_DOSSIERS = `
  WITH ${indicatorDayRowsSql(DOSSIER_INDICATOR_SOURCE)}
  INSERT INTO unit_procedure_daily_indicators (unit_code, procedure_code, day, ${INDICATOR_COLUMNS.join(', ')})
  SELECT unit_code, procedure_code, day, ${INDICATOR_COLUMNS.join(', ')} FROM indicator_day_rows`;
