import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type Redis from 'ioredis';
import type { UnitSnapshot, WindowFigures } from '@tthc/contracts';
import { addWindowCounts, zeroWindowCounts } from '@tthc/domain';
import { REDIS, SETTINGS, UnitDirectory } from '@tthc/infrastructure';
import { LiveMetricsStore, windowFigures } from '@tthc/live-metrics';
import type { ApiSettings } from '../api.settings';
import { RetryLaterException } from '../database-busy.filter';

type WindowName = 'today' | 'monthToDate' | 'rolling30d';

/** How long a client should wait before asking again: the aggregator rebuilds within LIVE_REFRESH_MS (15 s), usually sooner. */
const REBUILD_RETRY_AFTER_SECONDS = 5;

/** 503 from `GET /metrics/live` while the snapshot is being rebuilt: a stable code, and the message in Vietnamese and English. */
export class LiveSnapshotRebuildingException extends RetryLaterException {
  static readonly code = 'LIVE_SNAPSHOT_REBUILDING';

  constructor() {
    super('Live figures are being rebuilt from the database; retry in a few seconds.', REBUILD_RETRY_AFTER_SECONDS, {
      code: LiveSnapshotRebuildingException.code,
      messageVi: 'Số liệu trực tiếp đang được dựng lại từ cơ sở dữ liệu; vui lòng thử lại sau vài giây.',
    });
  }
}
const WINDOWS: WindowName[] = ['today', 'monthToDate', 'rolling30d'];

/**
 * `GET /metrics/live`: the aggregator's snapshot from Redis, province totals summed from units. No
 * PostgreSQL. Answers 503 LIVE_SNAPSHOT_REBUILDING while a province's snapshot is not complete.
 */
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

  /** The served provinces' figures, or only `provinceCode`'s (404 when this deployment does not serve it). */
  async read(provinceCode?: string) {
    const national = this.settings.PROVINCE_CODE === 'all';
    const served = national ? [...new Set(this.units.all().map((u) => u.provinceCode))] : [this.settings.PROVINCE_CODE];
    if (provinceCode !== undefined && !served.includes(provinceCode)) {
      throw new NotFoundException(
        national
          ? `province "${provinceCode}" has no unit in the unit catalogue`
          : `province "${provinceCode}" is not served here: this deployment serves province ${this.settings.PROVINCE_CODE} only`,
      );
    }
    const shown = provinceCode ?? this.settings.PROVINCE_CODE;
    const provinces = provinceCode === undefined ? served : [provinceCode];
    const read = await Promise.all(provinces.map((p) => this.store.readProvince(p)));
    // Partial figures would be wrong figures: until the aggregator has rebuilt the snapshot from
    // PostgreSQL (after Redis was restarted or flushed), say so instead (issue 11).
    if (read.some((p) => !p.complete)) throw new LiveSnapshotRebuildingException();
    const snapshots = read.flatMap((p) => p.snapshots);
    const province: Record<string, WindowFigures | number | string | null> = {};
    for (const w of WINDOWS) {
      // Counts summed, rates from the sums; a snapshot from before issue 15 adds nothing to the v2 counts.
      const sum = snapshots.reduce((t, s) => addWindowCounts(t, s[w]), zeroWindowCounts());
      const bounds = snapshots[0]?.[w] ?? { from: null, to: null };
      province[w] = windowFigures(bounds, sum);
    }
    province.overdueOpen = snapshots.reduce((n, s) => n + s.overdueOpen, 0);
    const asOf = snapshots.reduce<string | null>((m, s) => (m === null || s.asOf < m ? s.asOf : m), null);
    return {
      provinceCode: shown,
      // The pages' heading (issue 15: the dashboard hard-coded "Tỉnh Vĩnh Long"), from the catalogue.
      provinceName: shown === 'all' ? 'Toàn quốc' : this.units.provinceName(shown),
      asOf,
      province,
      // The version orders a unit's snapshots between writers (UnitSnapshot.version); it says nothing to a screen.
      units: snapshots.map(({ version: _version, ...s }: UnitSnapshot) => ({ name: this.units.nameOf(s.unitCode), ...s })).sort((a, b) => a.unitCode.localeCompare(b.unitCode)),
    };
  }
}
