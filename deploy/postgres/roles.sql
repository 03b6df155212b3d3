-- Least-privilege PostgreSQL roles for the TTHC monitor (deploy/README.md, PostgreSQL).
--
--   psql "$OWNER_URL" -v ON_ERROR_STOP=1 -v schema=public -v prefix=tthc -f deploy/postgres/roles.sql
--
-- Run as the role that owns the schema (the one PROVISION_DATABASE_URL connects as, which runs
-- the migrations), after a provision. Creates NOLOGIN roles <prefix>_ingest, _aggregator,
-- _notifier and _api with only what each app's SQL needs; give each a login and a password:
--   ALTER ROLE tthc_ingest LOGIN PASSWORD '…';
-- Idempotent: re-run it after every upgrade whose migrations add tables or functions (the
-- privileges below name them: a new table is closed to every app, and a new function open to
-- all, until then). test/postgres-roles.e2e-spec.ts runs the whole pipeline on these roles and
-- checks that they can do nothing more.
\set ingest :prefix '_ingest'
\set aggregator :prefix '_aggregator'
\set notifier :prefix '_notifier'
\set api :prefix '_api'

SELECT format('CREATE ROLE %I NOLOGIN', r) FROM unnest(ARRAY[:'ingest', :'aggregator', :'notifier', :'api']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec

GRANT USAGE ON SCHEMA :"schema" TO :"ingest", :"aggregator", :"notifier", :"api";
SET search_path TO :"schema";

-- Every app reads the unit catalogue; only provision writes it.
GRANT SELECT ON units TO :"ingest", :"aggregator", :"notifier", :"api";

-- ingest: the append-only raw event log and the rejection record, and its offsets beside them.
GRANT SELECT, INSERT ON raw_events, rejected_events TO :"ingest";
GRANT SELECT, INSERT, UPDATE ON consumer_offsets TO :"ingest";
-- Opens a batch (offset row locked and moved forward) in one call; runs with the caller's own rights.
REVOKE EXECUTE ON FUNCTION tthc_enter_source_batch(text, text, int, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc_enter_source_batch(text, text, int, bigint) TO :"ingest";

-- aggregator: dossier states, day counters, its offsets and the units' versions (raised by each
-- batch, read by the live snapshot), in one transaction per batch; undecodable messages on the
-- validated topic are recorded as rejections.
GRANT SELECT, INSERT, UPDATE ON dossiers, unit_daily_counters, unit_procedure_daily_indicators, consumer_offsets, unit_versions TO :"aggregator";
GRANT SELECT, INSERT ON rejected_events TO :"aggregator";
-- Opens a batch (gate, offset row, unit locks) in one call; runs with the caller's own rights.
REVOKE EXECUTE ON FUNCTION tthc_enter_dossier_batch(text, text, text, int, int, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tthc_enter_dossier_batch(text, text, text, int, int, text[]) TO :"aggregator";
-- tthc_overdue_from stays open to all: it computes the generated dossiers.overdue_from, so every
-- role that writes dossiers runs it, and it reads nothing.

-- notifier: reads the figures, writes alerts, transitions, the grouped notifications, the webhook
-- outbox and the rules in force.
GRANT SELECT ON dossiers, unit_daily_counters, unit_procedure_daily_indicators, alert_silences TO :"notifier";
GRANT SELECT, INSERT, UPDATE ON alerts, alert_transitions, alert_notifications, alert_deliveries, alert_rules TO :"notifier";

-- api: reads everything it serves; writes acknowledgements, silences and the export log only.
GRANT SELECT ON raw_events, rejected_events, dossiers, unit_daily_counters, unit_procedure_daily_indicators, procedures, consumer_offsets,
  alerts, alert_transitions, alert_notifications, alert_deliveries, alert_rules, alert_silences, export_log TO :"api";
GRANT UPDATE ON alerts TO :"api";
GRANT INSERT ON alert_transitions TO :"api";
GRANT INSERT, UPDATE ON alert_silences TO :"api";
GRANT INSERT ON export_log TO :"api";

-- The bigserial ids (rejected_events, alert_transitions, alert_notifications, alert_deliveries) draw from sequences.
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA :"schema" TO :"ingest", :"aggregator", :"notifier", :"api";
