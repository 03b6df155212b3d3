import type { Registry } from 'prom-client';

/** A metric as Prometheus stores it: the names its series get, and its label names. */
export interface ExportedMetric {
  name: string;
  type: string;
  /** Every series name this metric produces (a histogram: `_bucket`, `_sum`, `_count`). */
  seriesNames: string[];
  labelNames: string[];
}

/**
 * What a registry exports, as the names a PromQL query can select. Read from the registry the
 * apps build, so the dashboard and rule checks follow the code, not a hand-kept list.
 */
export async function exportedMetrics(registry: Registry): Promise<ExportedMetric[]> {
  const defaults = Object.keys((registry as unknown as { _defaultLabels?: Record<string, string> })._defaultLabels ?? {});
  return (await registry.getMetricsAsJSON()).map((m) => {
    const declared = (registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] } | undefined)?.labelNames ?? [];
    const valueLabels = m.values.flatMap((v) => Object.keys(v.labels ?? {}));
    const labelNames = [...new Set([...declared, ...valueLabels, ...defaults])];
    const type = String(m.type);
    const seriesNames = type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : type === 'summary' ? [m.name, `${m.name}_sum`, `${m.name}_count`] : [m.name];
    return { name: m.name, type, seriesNames, labelNames: type === 'histogram' ? [...labelNames, 'le'] : labelNames };
  });
}
