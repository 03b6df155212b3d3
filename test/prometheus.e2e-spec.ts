import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { WorkerHealthServer } from '@tthc/infrastructure';
import { asMessage, received, resolved } from './support/dossier-events';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { PrometheusServer } from './support/prometheus-server';

const ROOT = join(__dirname, '..');
const RULES = join(ROOT, 'deploy/prometheus/tthc-alerts.rules.yml');
const DASHBOARD = join(ROOT, 'deploy/grafana/tthc-pipeline.dashboard.json');
const UNIT = '28756';
const KEY = { 'X-API-Key': 'local-ioc-key' };

/**
 * Issue 13: a real Prometheus (Debian's package) scrapes the four running apps — the same Nest
 * modules main.ts boots, on the real broker, PostgreSQL and Redis — and PromQL gives back what
 * the API says for a known stream.
 */
describe('Prometheus scraping the running apps (real Prometheus, Kafka, PostgreSQL, Redis)', () => {
  let h: PipelineHarness;
  let prometheus: PrometheusServer;
  let apiUrl: string;

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'), { HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1', CONSUMER_LAG_POLL_MS: '1000' });
    await h.start('ingest', 'aggregator', 'notifier', 'api');
    const api = h.app('api') as INestApplication;
    await api.listen(0, '127.0.0.1');
    apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
    const workers = (['ingest', 'aggregator', 'notifier'] as const).map((n) => `127.0.0.1:${h.app(n).get(WorkerHealthServer).port()}`);
    prometheus = await PrometheusServer.start([apiUrl.replace('http://', ''), ...workers], [RULES]);

    // The known stream: 10 dossiers received in the window, 7 online; 3 resolved, 2 of them on time; one malformed record.
    const events = [];
    for (let i = 0; i < 10; i++) {
      events.push(received(UNIT, `prom-${i}`, `2025-07-20T0${i % 10}:00:00+07:00`, i < 7 ? 'ONLINE' : 'DIRECT', '2025-07-25T17:00:00+07:00'));
    }
    events.push(resolved(UNIT, 'prom-0', '2025-07-22T10:00:00+07:00', '2025-07-25T17:00:00+07:00'));
    events.push(resolved(UNIT, 'prom-1', '2025-07-23T10:00:00+07:00', '2025-07-25T17:00:00+07:00'));
    events.push(resolved(UNIT, 'prom-8', '2025-07-28T10:00:00+07:00', '2025-07-25T17:00:00+07:00'));
    await h.produce([...events.map(asMessage), { key: 'prom-bad', value: '{"eventId": ' }]);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await h?.close();
  });

  /** The API's figures for the unit over the rolling 30 days the gauges cover. */
  const apiFigures = async () => {
    const res = await fetch(`${apiUrl}/api/v1/metrics/units/${UNIT}?from=2025-07-02&to=2025-07-31`, { headers: KEY });
    expect(res.status).toBe(200);
    return (await res.json()) as { receivedTotal: number; resolvedTotal: number; onlineRate: number; onTimeRate: number; progressRate766: number };
  };

  const scalar = async (promql: string): Promise<number | undefined> => {
    const result = await prometheus.query(promql);
    return result.length === 1 ? Number(result[0].value[1]) : undefined;
  };

  it('scrapes all four apps', async () => {
    await eventually(async () => {
      const { activeTargets } = await prometheus.api<{ activeTargets: { health: string; lastError: string }[] }>('targets');
      expect(activeTargets).toHaveLength(4);
      expect(activeTargets.map((t) => [t.health, t.lastError])).toEqual(Array(4).fill(['up', '']));
    }, 30_000);
    const apps = (await prometheus.query('count by (app) (process_start_time_seconds)')).map((s) => s.metric.app).sort();
    expect(apps).toEqual(['aggregator', 'api', 'ingest', 'notifier']);
  });

  it("returns a unit's online-rate gauge as the API gives it for the known stream", async () => {
    const figures = await eventually(async () => {
      const f = await apiFigures();
      expect([f.receivedTotal, f.resolvedTotal]).toEqual([10, 3]);
      return f;
    }, 60_000);
    expect(figures.onlineRate).toBe(0.7);
    await eventually(async () => {
      expect(await scalar(`tthc_unit_online_rate{unit_code="${UNIT}"}`)).toBe(figures.onlineRate);
      expect(await scalar(`tthc_unit_on_time_rate{unit_code="${UNIT}"}`)).toBe(figures.onTimeRate);
      expect(await scalar(`tthc_unit_progress_rate_766{unit_code="${UNIT}"}`)).toBe(figures.progressRate766);
    }, 30_000);
    const labels = (await prometheus.query(`tthc_unit_online_rate{unit_code="${UNIT}"}`))[0].metric;
    expect(labels).toMatchObject({ app: 'api', province_code: '86' });
    // A unit with no dossiers has no rate, so no sample: "no data" is not "0 %".
    expect(await prometheus.query('tthc_unit_online_rate{unit_code="29710"}')).toEqual([]);
  });

  it('counts what the pipeline did: consumed, accepted, rejected by reason, DLQ sends, lag per partition', async () => {
    await eventually(async () => {
      expect(await scalar('sum(tthc_consumer_messages_total{app="ingest"})')).toBe(14);
      expect(await scalar('sum(tthc_events_accepted_total)')).toBe(13);
      expect(await scalar('sum(tthc_events_rejected_total{reason="MALFORMED_JSON"})')).toBe(1);
      expect(await scalar('sum(tthc_dlq_messages_total{reason="MALFORMED_JSON"})')).toBe(1);
      // The aggregator folded all 13; it read them in fewer Kafka records (ingest bundles a batch's events per unit).
      expect(await scalar('sum(tthc_events_applied_total{app="aggregator"})')).toBe(13);
      const records = await scalar('sum(tthc_consumer_messages_total{app="aggregator"})');
      expect(records).toBeGreaterThanOrEqual(1);
      expect(records).toBeLessThanOrEqual(13);
      // Three partitions per topic in the harness; everything consumed, so no lag left.
      expect(await scalar('count(tthc_consumer_lag{app="ingest"})')).toBe(3);
      expect(await scalar('sum(tthc_consumer_lag{app="ingest"})')).toBe(0);
      expect(await scalar('sum(tthc_consumer_lag{app="aggregator"})')).toBe(0);
      expect(await scalar('sum(tthc_consumer_committed_offset{app="ingest"})')).toBe(14);
    }, 60_000);
    expect(await scalar('sum(tthc_consumer_batch_duration_seconds_count{app="aggregator",outcome="ok"}) > 0')).toBeGreaterThan(0);
    expect(await scalar('sum(tthc_live_snapshot_updates_total{app="aggregator",outcome="published"}) > 0')).toBeGreaterThan(0);
    expect(await scalar('sum(tthc_db_transaction_duration_seconds_count{app="aggregator",outcome="commit"}) > 0')).toBeGreaterThan(0);
    // HTTP latency by route pattern: the API calls above, Prometheus' own scrapes, and a 404.
    await fetch(`${apiUrl}/no-such-page`);
    await eventually(async () => {
      expect(await scalar('sum(tthc_http_request_duration_seconds_count{route="/api/v1/metrics/units/:unitCode",status="200"})')).toBeGreaterThan(0);
      expect(await scalar('sum(tthc_http_request_duration_seconds_count{route="/metrics",status="200"})')).toBeGreaterThan(0);
      expect(await scalar('sum(tthc_http_request_duration_seconds_count{route="unmatched",status="404"})')).toBe(1);
    }, 30_000);
  });

  it('loads the alerting rules and evaluates every one without error', async () => {
    await eventually(async () => {
      const { groups } = await prometheus.api<{ groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] }>('rules');
      expect(groups.map((g) => g.name).sort()).toEqual(['tthc-delivery', 'tthc-pipeline']);
      const rules = groups.flatMap((g) => g.rules);
      const expected = (parseYaml(readFileSync(RULES, 'utf8')) as { groups: { rules: unknown[] }[] }).groups.flatMap((g) => g.rules).length;
      expect(rules).toHaveLength(expected);
      expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
    }, 30_000);
  });

  it("passes promtool's rule check and the rules' own unit tests (lag, stuck partition, DLQ surge)", () => {
    const promtool = join(dirname(execFileSync('bash', [join(ROOT, 'deploy/local/prometheus.sh'), 'path'], { encoding: 'utf8' }).trim()), 'promtool');
    expect(execFileSync(promtool, ['check', 'rules', RULES], { encoding: 'utf8' })).toMatch(/SUCCESS: \d+ rules found/);
    expect(execFileSync(promtool, ['test', 'rules', join(ROOT, 'deploy/prometheus/tthc-alerts.test.yml')], { encoding: 'utf8' })).toMatch(/SUCCESS/);
  });

  it('runs every dashboard query, and every tthc_ metric they name is one the running apps export', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '1m')));
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) await expect(prometheus.query(expr)).resolves.toBeDefined();
    // Metadata comes from the scraped HELP/TYPE lines: what the apps actually export, samples or not.
    const metadata = await prometheus.api<Record<string, unknown>>('metadata');
    const named = new Set(exprs.flatMap((e) => e.match(/\btthc_[a-z0-9_]+/g) ?? []).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    expect([...named].filter((n) => !(n in metadata))).toEqual([]);
  });
});
