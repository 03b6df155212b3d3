import { Inject, Injectable } from '@nestjs/common';
import { type LocalDate, localDayOf } from '@tthc/domain';
import { CLOCK, type Clock, SETTINGS } from '@tthc/infrastructure';
import type { ApiSettings } from '../api.settings';
import { resolveRange } from './resolve-range';

/**
 * A report's `?from&to` resolved against today (the injected clock) and MAX_RANGE_DAYS: what the
 * metrics and export controllers do with a query before they ask a service for figures.
 */
@Injectable()
export class ReportRangeResolver {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: ApiSettings,
  ) {}

  resolve(q: { from?: string; to?: string }): { from: LocalDate; to: LocalDate } {
    return resolveRange(q, localDayOf(this.clock.now()), this.settings.MAX_RANGE_DAYS);
  }
}
