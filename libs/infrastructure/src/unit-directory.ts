import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { provinceDisplayName } from '@tthc/domain';
import { listUnits, type UnitRow } from '@tthc/persistence';
import type { Logger } from '@tthc/platform';
import { LOGGER } from './tokens';

/**
 * The unit catalogue held in memory (125 units for a province, ~3,400 for the country) and
 * re-read every minute, so a unit registered while the apps run is known without a restart.
 */
@Injectable()
export class UnitDirectory implements OnModuleInit, OnApplicationShutdown {
  private units = new Map<string, UnitRow>();
  private timer?: NodeJS.Timeout;
  static readonly REFRESH_MS = 60_000;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((err) => this.logger.warn({ err }, 'unit catalogue refresh failed; keeping the last one'));
    }, UnitDirectory.REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    const rows = await listUnits(this.dataSource);
    if (rows.length === 0) throw new Error('the unit catalogue is empty: run `npm run provision` first');
    this.units = new Map(rows.map((u) => [u.code, u]));
  }

  has(code: string): boolean {
    return this.units.has(code);
  }

  get(code: string): UnitRow | undefined {
    return this.units.get(code);
  }

  all(): UnitRow[] {
    return [...this.units.values()];
  }

  /** The unit's official name; its code for a unit the catalogue does not hold (yet). */
  nameOf(code: string): string {
    return this.units.get(code)?.name ?? code;
  }

  /** "Tỉnh Vĩnh Long": the province named after its service centre (libs/domain province-name). */
  provinceName(provinceCode: string): string {
    return provinceDisplayName(provinceCode, this.units.get(provinceCode)?.name);
  }
}
