import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { UnitSnapshot, WindowFigures } from '@tthc/contracts';
import { sumCounters } from '@tthc/domain';
import { REDIS, SETTINGS, UnitDirectory } from '@tthc/infrastructure';
import { LiveMetricsStore, windowFigures } from '@tthc/live-metrics';
import type { ApiSettings } from '../api.settings';

type WindowName = 'today' | 'monthToDate' | 'rolling30d';
const WINDOWS: WindowName[] = ['today', 'monthToDate', 'rolling30d'];

/** `GET /metrics/live`: the aggregator's snapshot from Redis, province totals summed from units. No PostgreSQL. */
@Injectable()
export class LiveMetricsService {
  private readonly store: LiveMetricsStore;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(SETTINGS) private readonly settings: ApiSettings,
    private readonly units: UnitDirectory,
  ) {
    this.store = new LiveMetricsStore(redis, settings.REDIS_KEY_PREFIX);
  }

  async read() {
    const provinces = this.settings.PROVINCE_CODE === 'all' ? [...new Set(this.units.all().map((u) => u.provinceCode))] : [this.settings.PROVINCE_CODE];
    const snapshots = (await Promise.all(provinces.map((p) => this.store.readProvince(p)))).flat();
    const province: Record<string, WindowFigures | number | string | null> = {};
    for (const w of WINDOWS) {
      const sum = sumCounters(snapshots.map((s) => s[w]));
      const bounds = snapshots[0]?.[w] ?? { from: null, to: null };
      province[w] = windowFigures(bounds, sum);
    }
    province.overdueOpen = snapshots.reduce((n, s) => n + s.overdueOpen, 0);
    const asOf = snapshots.reduce<string | null>((m, s) => (m === null || s.asOf < m ? s.asOf : m), null);
    return {
      provinceCode: this.settings.PROVINCE_CODE,
      // The pages' heading (issue 15: the dashboard hard-coded "Tỉnh Vĩnh Long"), from the catalogue.
      provinceName: this.settings.PROVINCE_CODE === 'all' ? 'Toàn quốc' : this.units.provinceName(this.settings.PROVINCE_CODE),
      asOf,
      province,
      units: snapshots
        .map((s: UnitSnapshot) => ({ name: this.units.nameOf(s.unitCode), ...s }))
        .sort((a, b) => a.unitCode.localeCompare(b.unitCode)),
    };
  }
}
