import { type DayFacts, INDICATOR_FIELDS, type LocalDate, addDays, startOfLocalDay } from '@tthc/domain';
import { gaugeEdgesSql } from './gauge-changes.sql';
import { type IndicatorDayRow, toDayRow } from './indicator-counters.repository';
import { INDICATOR_COLUMNS, indicatorColumn, indicatorDayRowsSql } from './indicator-facts.sql';
import { deadlinePassesIn, localDaySql } from './overdue-rule.sql';
import type { Sql } from './sql';

export interface DayCounterRow extends DayFacts {
  unitCode: string;
  day: LocalDate;
}

const COUNTER_COLUMNS = `
  sum(rt)::int AS "receivedTotal", sum(ro)::int AS "receivedOnline", sum(rd)::int AS "receivedDirect",
  sum(st)::int AS "resolvedTotal", sum(so)::int AS "resolvedOnTime", sum(sl)::int AS "resolvedLate",
  sum(oc)::int AS "openChange", sum(vc)::int AS "overdueChange"`;

/**
 * Day rows for [from, to] recomputed straight from the raw event log, by SQL that shares no code
 * with the aggregator: per dossier, the RECEIVED, the RESOLVED and the LATE with the earliest
 * (occurredAt, eventId) are its facts (PRODUCT.md); receipts and resolutions are counted on their
 * local day, and the open/overdue gauge changes on the days its open and overdue intervals start
 * and end. A dossier can change a day of the period only through an event inside it or through
 * its deadline passing inside it, so only those dossiers' events are read.
 * This is the auditor's proof that a published number follows from the events.
 */
export async function recountFromRawEvents(sql: Sql, from: LocalDate, to: LocalDate, unitCodes?: string[]): Promise<DayCounterRow[]> {
  const params: unknown[] = [new Date(startOfLocalDay(from)), new Date(startOfLocalDay(addDays(to, 1))), from, to];
  let unitFilter = '';
  if (unitCodes) {
    params.push(unitCodes);
    unitFilter = `AND unit_code = ANY($5::text[])`;
  }
  return sql.query(
    `WITH touched AS (
       SELECT unit_code, dossier_id FROM raw_events WHERE occurred_at >= $1 AND occurred_at < $2 ${unitFilter}
       UNION
       SELECT unit_code, dossier_id FROM raw_events WHERE ${deadlinePassesIn('$1', '$2')} ${unitFilter}
     ), events AS (
       SELECT r.* FROM raw_events r JOIN touched t USING (unit_code, dossier_id)
     ), receipts AS (
       SELECT DISTINCT ON (unit_code, dossier_id) unit_code, dossier_id, occurred_at, channel, due_at
         FROM events WHERE type = 'RECEIVED' ORDER BY unit_code, dossier_id, occurred_at, event_id
     ), resolutions AS (
       SELECT DISTINCT ON (unit_code, dossier_id) unit_code, dossier_id, occurred_at, due_at
         FROM events WHERE type = 'RESOLVED' ORDER BY unit_code, dossier_id, occurred_at, event_id
     ), lates AS (
       SELECT DISTINCT ON (unit_code, dossier_id) unit_code, dossier_id, occurred_at, due_at
         FROM events WHERE type = 'LATE' ORDER BY unit_code, dossier_id, occurred_at, event_id
     ), dossier_facts AS (
       SELECT t.unit_code,
              COALESCE(rc.occurred_at, l.occurred_at) AS opened_at,
              CASE WHEN rc.dossier_id IS NOT NULL THEN rc.due_at ELSE l.due_at END AS due_at,
              l.occurred_at AS late_at,
              rs.occurred_at AS resolved_at
         FROM touched t
         LEFT JOIN receipts rc USING (unit_code, dossier_id)
         LEFT JOIN lates l USING (unit_code, dossier_id)
         LEFT JOIN resolutions rs USING (unit_code, dossier_id)
     ), ${gaugeEdgesSql('dossier_facts')},
     facts AS (
       SELECT unit_code, ${localDaySql('occurred_at')} AS day,
              1 AS rt, (channel = 'ONLINE')::int AS ro, (channel = 'DIRECT')::int AS rd, 0 AS st, 0 AS so, 0 AS sl, 0 AS oc, 0 AS vc
         FROM receipts
       UNION ALL
       SELECT unit_code, ${localDaySql('occurred_at')},
              0, 0, 0, 1, (occurred_at <= due_at)::int, (occurred_at > due_at)::int, 0, 0
         FROM resolutions
       UNION ALL
       SELECT unit_code, ${localDaySql('at')}, 0, 0, 0, 0, 0, 0, open_change, overdue_change
         FROM gauge_edges
     )
     SELECT unit_code AS "unitCode", to_char(day, 'YYYY-MM-DD') AS day, ${COUNTER_COLUMNS}
       FROM facts WHERE day BETWEEN $3::date AND $4::date
      GROUP BY unit_code, day
     HAVING (sum(rt), sum(st), sum(oc), sum(vc)) <> (0, 0, 0, 0)
      ORDER BY unit_code, day`,
    params,
  );
}

/** The stored day counters for [from, to], zero rows left out. */
export async function storedDayCounters(sql: Sql, from: LocalDate, to: LocalDate, unitCodes?: string[]): Promise<DayCounterRow[]> {
  const params: unknown[] = [from, to];
  if (unitCodes) params.push(unitCodes);
  return sql.query(
    `SELECT unit_code AS "unitCode", to_char(day, 'YYYY-MM-DD') AS day,
            received_total AS "receivedTotal", received_online AS "receivedOnline", received_direct AS "receivedDirect",
            resolved_total AS "resolvedTotal", resolved_on_time AS "resolvedOnTime", resolved_late AS "resolvedLate",
            open_change AS "openChange", overdue_change AS "overdueChange"
       FROM unit_daily_counters
      WHERE day BETWEEN $1::date AND $2::date ${unitCodes ? 'AND unit_code = ANY($3::text[])' : ''}
        AND (received_total, received_online, received_direct, resolved_total, resolved_on_time, resolved_late, open_change, overdue_change)
            <> (0, 0, 0, 0, 0, 0, 0, 0)
      ORDER BY unit_code, day`,
    params,
  );
}

/**
 * The indicator day rows (issue 15) for [from, to] recomputed from the raw event log by SQL that
 * shares no code with the aggregator's fold: per dossier, the earliest (occurredAt, eventId)
 * event of each type is its fact; its procedure is the earliest RECEIVED's, else the earliest
 * event's; `indicatorDayRowsSql` then counts the facts on their local days (the same SQL as the
 * migration's backfill from `dossiers`). Dossiers are chosen as for the unit rows: an event in
 * the period, or a deadline passing in it.
 */
export async function recountIndicatorsFromRawEvents(sql: Sql, from: LocalDate, to: LocalDate, unitCodes?: readonly string[]): Promise<IndicatorDayRow[]> {
  const params: unknown[] = [new Date(startOfLocalDay(from)), new Date(startOfLocalDay(addDays(to, 1))), from, to];
  let unitFilter = '';
  if (unitCodes) {
    params.push(unitCodes);
    unitFilter = `AND unit_code = ANY($5::text[])`;
  }
  const winner = (alias: string, type: string) => `LEFT JOIN winners ${alias} ON ${alias}.unit_code = t.unit_code AND ${alias}.dossier_id = t.dossier_id AND ${alias}.type = '${type}'`;
  const rows: Record<string, string>[] = await sql.query(
    `WITH touched AS (
       SELECT unit_code, dossier_id FROM raw_events WHERE occurred_at >= $1 AND occurred_at < $2 ${unitFilter}
       UNION
       SELECT unit_code, dossier_id FROM raw_events WHERE ${deadlinePassesIn('$1', '$2')} ${unitFilter}
     ), events AS (
       SELECT r.* FROM raw_events r JOIN touched t USING (unit_code, dossier_id)
     ), winners AS (
       SELECT DISTINCT ON (unit_code, dossier_id, type) *
         FROM events ORDER BY unit_code, dossier_id, type, occurred_at, event_id
     ), procedures AS (
       SELECT DISTINCT ON (unit_code, dossier_id) unit_code, dossier_id, procedure_code
         FROM events ORDER BY unit_code, dossier_id, (type <> 'RECEIVED'), occurred_at, event_id
     ), s AS (
       SELECT t.unit_code, p.procedure_code,
              rc.occurred_at AS received_at, rc.channel, rc.fully_online, rc.components_digitized,
              rs.occurred_at AS resolved_at, rs.due_at AS resolution_due_at,
              rs.result_electronic, rs.result_digitized, rs.data_reused,
              COALESCE(rc.occurred_at, l.occurred_at) AS opened_at,
              CASE WHEN rc.event_id IS NOT NULL THEN rc.due_at ELSE l.due_at END AS due_at,
              l.occurred_at AS late_at,
              pd.occurred_at AS paid_at, pd.payment_method,
              rt.occurred_at AS rated_at, rt.score,
              fb.occurred_at AS feedback_at,
              fr.occurred_at AS feedback_resolved_at, fr.due_at AS feedback_resolution_due_at,
              wd.occurred_at AS withdrawn_at
         FROM touched t
         JOIN procedures p USING (unit_code, dossier_id)
         ${winner('rc', 'RECEIVED')} ${winner('rs', 'RESOLVED')} ${winner('l', 'LATE')} ${winner('pd', 'PAID')}
         ${winner('rt', 'RATED')} ${winner('fb', 'FEEDBACK_RECEIVED')} ${winner('fr', 'FEEDBACK_RESOLVED')} ${winner('wd', 'WITHDRAWN')}
     ), ${indicatorDayRowsSql('s')}
     SELECT unit_code, procedure_code, to_char(day, 'YYYY-MM-DD') AS day,
            ${INDICATOR_FIELDS.map((f) => `${indicatorColumn(f)}::text AS "${f}"`).join(', ')}
       FROM indicator_day_rows
      WHERE day BETWEEN $3::date AND $4::date
        AND (${INDICATOR_COLUMNS.join(', ')}) <> (${INDICATOR_COLUMNS.map(() => '0').join(', ')})
      ORDER BY unit_code, procedure_code, day`,
    params,
  );
  return rows.map(toDayRow);
}
