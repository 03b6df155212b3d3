import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { AppMetrics, type AppName } from './app-metrics';
import { type ExportedMetric, exportedMetrics } from './metric-names';
import { registerUnitRateGauges } from './unit-rate.gauges';

/**
 * Issue 13: every query of the Grafana dashboard and every alerting rule under deploy/ selects
 * metrics the apps export, with labels those metrics have. The names come from the registries
 * the apps build (AppMetrics, plus the api's unit gauges), not from a list kept by hand, and the
 * queries are parsed with Prometheus' own PromQL grammar (@prometheus-io/lezer-promql).
 */
const ROOT = join(__dirname, '..', '..', '..');
const DASHBOARD = join(ROOT, 'deploy/grafana/tthc-pipeline.dashboard.json');
const RULES = join(ROOT, 'deploy/prometheus/tthc-alerts.rules.yml');

/** Labels Prometheus itself puts on every scraped series. */
const SCRAPE_LABELS = ['job', 'instance', '__name__'];

/** Grafana's built-in range variables, as Grafana would substitute them. */
const grafanaVariables = (expr: string) => expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m');

interface Query {
  where: string;
  expr: string;
}

function dashboardQueries(): Query[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t, i) => ({ where: `dashboard panel "${p.title}" target ${i}`, expr: grafanaVariables(t.expr) })));
}

function ruleQueries(): Query[] {
  const file = parseYaml(readFileSync(RULES, 'utf8')) as { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] };
  return file.groups.flatMap((g) => g.rules.map((r) => ({ where: `rule ${g.name}/${r.alert ?? r.record}`, expr: String(r.expr) })));
}

interface Selected {
  syntaxErrors: number;
  metrics: { name: string; labels: string[] }[];
  grouping: string[];
}

/** The metric names, their label matchers and the grouping labels of one PromQL expression. */
function selectorsOf(expr: string): Selected {
  const out: Selected = { syntaxErrors: 0, metrics: [], grouping: [] };
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) out.syntaxErrors++;
    if (cursor.name === 'VectorSelector') {
      const node = cursor.node;
      const name = node.getChild('Identifier');
      const labels: string[] = [];
      const inner = node.cursor();
      do if (inner.name === 'LabelName') labels.push(expr.slice(inner.from, inner.to));
      while (inner.next() && inner.to <= node.to);
      out.metrics.push({ name: name ? expr.slice(name.from, name.to) : '', labels });
    }
    if (cursor.name === 'GroupingLabels') {
      const inner = cursor.node.cursor();
      const end = cursor.to;
      do if (inner.name === 'LabelName') out.grouping.push(expr.slice(inner.from, inner.to));
      while (inner.next() && inner.to <= end);
    }
  } while (cursor.next());
  return out;
}

describe('dashboard and alerting rules against the exported metrics', () => {
  let exported: Map<string, ExportedMetric>;

  beforeAll(async () => {
    exported = new Map();
    for (const app of ['ingest', 'aggregator', 'notifier', 'api'] as AppName[]) {
      const metrics = new AppMetrics(app);
      if (app === 'api') registerUnitRateGauges(metrics, { read: async () => [] });
      for (const m of await exportedMetrics(metrics.registry)) for (const s of m.seriesNames) exported.set(s, m);
    }
  });

  const queries = [...dashboardQueries(), ...ruleQueries()];

  it('finds the queries (the files are where the README says)', () => {
    expect(dashboardQueries().length).toBeGreaterThanOrEqual(15);
    expect(ruleQueries().length).toBeGreaterThanOrEqual(8);
  });

  it.each(queries.map((q) => [q.where, q.expr]))('%s parses and selects only exported metrics and labels', (_where, expr) => {
    const s = selectorsOf(expr);
    expect(s.syntaxErrors).toBe(0);
    expect(s.metrics.length).toBeGreaterThan(0);
    const referenced: ExportedMetric[] = [];
    for (const m of s.metrics) {
      const found = exported.get(m.name);
      expect({ metric: m.name, exported: found !== undefined }).toEqual({ metric: m.name, exported: true });
      referenced.push(found!);
      for (const label of m.labels) {
        expect({ metric: m.name, label, known: [...found!.labelNames, ...SCRAPE_LABELS].includes(label) }).toEqual({ metric: m.name, label, known: true });
      }
    }
    const available = new Set([...referenced.flatMap((m) => m.labelNames), ...SCRAPE_LABELS]);
    for (const label of s.grouping) expect({ label, available: available.has(label) }).toEqual({ label, available: true });
  });

  it('catches a misspelt metric, an unknown label and a syntax error (the check can fail)', () => {
    expect(exported.has('tthc_consumer_lags')).toBe(false);
    expect(selectorsOf('sum(rate(tthc_events_rejected_total[5m]').syntaxErrors).toBeGreaterThan(0);
    const s = selectorsOf('sum by (reasn) (tthc_dlq_messages_total{reason="X", aap="y"})');
    expect(s.metrics).toEqual([{ name: 'tthc_dlq_messages_total', labels: ['reason', 'aap'] }]);
    expect(s.grouping).toEqual(['reasn']);
    expect(exported.get('tthc_dlq_messages_total')!.labelNames).not.toContain('aap');
  });

  it('every tthc_ metric of the apps appears on the dashboard or in a rule, so none is exported for nobody', () => {
    const used = new Set(queries.flatMap((q) => selectorsOf(q.expr).metrics.map((m) => exported.get(m.name)?.name)));
    const ours = [...new Set([...exported.values()].map((m) => m.name))].filter((n) => n.startsWith('tthc_'));
    expect(ours.filter((n) => !used.has(n))).toEqual([]);
  });
});
