import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  type DayCounters,
  type Granularity,
  type LocalDate,
  type Progress766Counts,
  type RankingMetric,
  progress766Figures,
  rankAscending,
  rangeEndInstant,
  seriesPeriods,
  startOfLocalDay,
  toUnitMetrics,
  zeroCounters,
  zeroProgress766,
} from '@tthc/domain';
import { CLOCK, type Clock, SETTINGS, UnitDirectory } from '@tthc/infrastructure';
import { progress766ByUnit, progress766Total, sumCountersByPeriod, sumCountersByUnit } from '@tthc/persistence';
import type { ApiSettings } from '../api.settings';

/** A metrics object of PRODUCT.md plus the 766 progress figures. */
export type RangeMetrics = ReturnType<typeof figures>;
export type UnitRangeMetrics = { unitCode: string } & RangeMetrics;

function figures(from: LocalDate, to: LocalDate, counters: DayCounters, progress: Progress766Counts) {
  // overdueOpen is the 766 count of open dossiers past deadline at the range's end: the same rule
  // as the fold's isOverdueOpenAt, judged at the end of `to` (or now, for a range reaching today).
  const { unitCode: _, ...m } = toUnitMetrics('', from, to, counters, progress.openOverdue);
  return { ...m, ...progress766Figures(progress) };
}

/**
 * Range metrics from PostgreSQL: day counters summed (rates from the sums, PRODUCT.md) and the
 * 766 progress counts from the dossiers table, both for the same range and the same end instant.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly units: UnitDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: ApiSettings,
  ) {}

  /** 404 for a code the catalogue does not hold; the unit's name otherwise. */
  private unitName(unitCode: string): string {
    const unit = this.units.get(unitCode);
    if (!unit) throw new NotFoundException(`unit "${unitCode}" is not in the unit catalogue`);
    return unit.name;
  }

  /** One period from the first local day to the range's end instant (now, for a range reaching today). */
  private period(from: LocalDate, to: LocalDate) {
    return { start: startOfLocalDay(from), at: rangeEndInstant(to, this.clock.now()) };
  }

  /** Per unit: summed counters and 766 counts for the range, judged at the same end instant. */
  private async countsOf(from: LocalDate, to: LocalDate, unitCodes?: string[]) {
    const period = this.period(from, to);
    const [sums, progress] = await Promise.all([sumCountersByUnit(this.dataSource, from, to, unitCodes), progress766ByUnit(this.dataSource, [period], unitCodes)]);
    const codes = unitCodes ?? this.units.all().map((u) => u.code);
    return codes.map((unitCode) => ({
      unitCode,
      counters: sums.get(unitCode) ?? zeroCounters(),
      progress: progress.get(unitCode)?.[0] ?? zeroProgress766(),
    }));
  }

  private async metricsOf(from: LocalDate, to: LocalDate, unitCodes?: string[]): Promise<UnitRangeMetrics[]> {
    return (await this.countsOf(from, to, unitCodes)).map((u) => ({ unitCode: u.unitCode, ...figures(from, to, u.counters, u.progress) }));
  }

  forUnits(from: LocalDate, to: LocalDate): Promise<UnitRangeMetrics[]> {
    return this.metricsOf(from, to);
  }

  async forUnit(unitCode: string, from: LocalDate, to: LocalDate): Promise<UnitRangeMetrics> {
    this.unitName(unitCode);
    const [m] = await this.metricsOf(from, to, [unitCode]);
    return m;
  }

  /**
   * Province totals: counts summed over units in SQL, as the province's series sums them, and
   * rates from the sums (PRODUCT.md: never averaged).
   */
  async forProvince(from: LocalDate, to: LocalDate) {
    const [[counters], [progress]] = await Promise.all([sumCountersByPeriod(this.dataSource, [{ from, to }]), progress766Total(this.dataSource, [this.period(from, to)])]);
    return { provinceCode: this.settings.PROVINCE_CODE, unitCount: this.units.all().length, ...figures(from, to, counters, progress) };
  }

  async ranking(from: LocalDate, to: LocalDate, metric: RankingMetric) {
    const all = await this.metricsOf(from, to);
    const named = all.map((m) => ({ ...m, name: this.units.nameOf(m.unitCode) }));
    return { from, to, metric, units: rankAscending(named, metric) };
  }

  /** A unit's series, or the province's when `unitCode` is undefined: one point per period. */
  async series(unitCode: string | undefined, from: LocalDate, to: LocalDate, granularity: Granularity) {
    const name = unitCode === undefined ? this.units.provinceName(this.settings.PROVINCE_CODE) : this.unitName(unitCode);
    const periods = seriesPeriods(from, to, granularity, this.clock.now());
    // Refused before any query: thirty ten-year daily series at once used to saturate the api and the database (issue 10).
    const max = this.settings.MAX_SERIES_POINTS;
    if (periods.length > max) {
      throw new BadRequestException(`the series would have ${periods.length} points; at most ${max} are allowed: choose a coarser granularity or a shorter range`);
    }
    const unitCodes = unitCode === undefined ? undefined : [unitCode];
    const [counters, progress] = await Promise.all([sumCountersByPeriod(this.dataSource, periods, unitCodes), progress766Total(this.dataSource, periods, unitCodes)]);
    const points = periods.map((p, i) => ({ period: p.label, ...figures(p.from, p.to, counters[i], progress[i]) }));
    const owner = unitCode === undefined ? { provinceCode: this.settings.PROVINCE_CODE } : { unitCode };
    return { ...owner, name, from, to, granularity, points };
  }
}
