import { Counter, Gauge } from 'prom-client';
import type { AppMetrics } from './app-metrics';

/** One unit's rolling-30-day rates, as `GET /api/v1/metrics/units` gives them; null: no denominator. */
export interface UnitRates {
  unitCode: string;
  provinceCode: string;
  onlineRate: number | null;
  onTimeRate: number | null;
  progressRate766: number | null;
  /** Issue 15: fully online / v2 receipts, the 2026 target's indicator. */
  fullyOnlineRate?: number | null;
  /** Issue 15: the 766 total (0..100); null when no group is measurable. */
  score766?: number | null;
}

export interface UnitRateSource {
  read(): Promise<UnitRates[]>;
}

/** Several gauges and several scrapers share one read within this long. */
const SHARED_READ_MS = 5_000;
const READ_TIMEOUT_MS = 10_000;

/**
 * The api's per-unit gauges (issue 13): each unit's current rolling-30-day online rate, on-time
 * rate and 766 progress rate, read when Prometheus scrapes, so an existing Prometheus and Grafana
 * can chart and alert on the figures the API serves. A unit whose rate has no denominator has no
 * sample (not 0: "no dossiers" is not "0 %"). If the read fails the gauges are empty for that
 * scrape and `tthc_unit_rates_read_failures_total` counts it; the scrape itself still succeeds.
 */
export function registerUnitRateGauges(metrics: AppMetrics, source: UnitRateSource): void {
  const registers = [metrics.registry];
  const failures = new Counter({
    name: 'tthc_unit_rates_read_failures_total',
    help: 'Scrapes whose per-unit rates could not be read (the unit gauges were empty)',
    registers,
  });
  let last: { at: number; rates: Promise<UnitRates[]> } | undefined;
  const read = (): Promise<UnitRates[]> => {
    if (last && Date.now() - last.at < SHARED_READ_MS) return last.rates;
    let timer: NodeJS.Timeout | undefined;
    const rates = Promise.race([
      source.read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`unit rates not read within ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    last = { at: Date.now(), rates };
    rates.catch(() => {
      failures.inc();
      last = undefined;
    });
    return rates;
  };
  const gauge = (name: string, help: string, pick: (r: UnitRates) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['unit_code', 'province_code'],
      registers,
      async collect() {
        this.reset();
        const rates = await read().catch(() => []);
        for (const r of rates) {
          const value = pick(r);
          if (value !== null) this.set({ unit_code: r.unitCode, province_code: r.provinceCode }, value);
        }
      },
    });
  gauge('tthc_unit_online_rate', "Unit's online rate (0..1) over the rolling 30 local days ending today", (r) => r.onlineRate);
  gauge('tthc_unit_on_time_rate', "Unit's on-time rate (0..1) over the rolling 30 local days ending today", (r) => r.onTimeRate);
  gauge('tthc_unit_progress_rate_766', "Unit's 766 progress rate (0..1) over the rolling 30 local days ending today", (r) => r.progressRate766);
  gauge('tthc_unit_fully_online_rate', "Unit's fully-online rate (0..1, the 2026 target's indicator) over the rolling 30 local days ending today", (r) => r.fullyOnlineRate ?? null);
  gauge('tthc_unit_score_766', "Unit's Decision 766 total (0..100 points, five groups) over the rolling 30 local days ending today", (r) => r.score766 ?? null);
}
