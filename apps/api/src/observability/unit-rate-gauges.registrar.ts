import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { addDays, localDayOf } from '@tthc/domain';
import { CLOCK, type Clock, METRICS, UnitDirectory } from '@tthc/infrastructure';
import { type AppMetrics, registerUnitRateGauges } from '@tthc/observability';
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
    private readonly units: UnitDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    registerUnitRateGauges(this.metrics, {
      read: async () => {
        const to = localDayOf(this.clock.now());
        const all = await this.service.forUnits(addDays(to, -29), to);
        return all.map((m) => ({
          unitCode: m.unitCode,
          provinceCode: this.units.get(m.unitCode)?.provinceCode ?? 'unknown',
          onlineRate: m.onlineRate,
          onTimeRate: m.onTimeRate,
          progressRate766: m.progressRate766,
        }));
      },
    });
  }
}
