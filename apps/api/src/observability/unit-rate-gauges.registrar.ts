import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { addDays, localDayOf } from '@tthc/domain';
import { CLOCK, type Clock, METRICS, UnitDirectory } from '@tthc/infrastructure';
import { type AppMetrics, registerUnitRateGauges } from '@tthc/observability';
import { IndicatorsService } from '../metrics/indicators.service';
import { MetricsService } from '../metrics/metrics.service';

/**
 * The api's per-unit rate gauges, read from the same MetricsService as
 * `GET /api/v1/metrics/units?from=<today-29>&to=<today>`, so a PromQL query and the API give the
 * same number for the same moment.
 */
@Injectable()
export class UnitRateGaugesRegistrar implements OnModuleInit {
  constructor(
    @Inject(METRICS) private readonly metrics: AppMetrics,
    private readonly service: MetricsService,
    private readonly indicators: IndicatorsService,
    private readonly units: UnitDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    registerUnitRateGauges(this.metrics, {
      read: async () => {
        const to = localDayOf(this.clock.now());
        const from = addDays(to, -29);
        // The issue-15 figures as GET /metrics/indicators?by=unit gives them for the same 30 days.
        const [all, report] = await Promise.all([this.service.forUnits(from, to), this.indicators.report({ from, to, by: 'unit', rankBy: 'score766' })]);
        const byUnit = new Map(report.rows.map((r) => [r.key, r]));
        return all.map((m) => ({
          unitCode: m.unitCode,
          provinceCode: this.units.get(m.unitCode)?.provinceCode ?? 'unknown',
          onlineRate: m.onlineRate,
          onTimeRate: m.onTimeRate,
          progressRate766: m.progressRate766,
          fullyOnlineRate: byUnit.get(m.unitCode)?.rates.fullyOnlineRate ?? null,
          score766: (() => {
            const s = byUnit.get(m.unitCode)?.score766;
            return s && s.measuredPoints > 0 ? s.total : null;
          })(),
        }));
      },
    });
  }
}
