import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  type IndicatorFigures,
  type IndicatorRankKey,
  type LocalDate,
  PROCEDURE_LEVELS,
  PROCEDURE_LEVEL_LABELS,
  type PeriodIndicatorCounts,
  type Procedure,
  type Granularity,
  type ProcedureLevel,
  indicatorFigures,
  seriesPeriods,
  rankIndicatorRows,
  totalIndicatorFigures,
  zeroPeriodIndicatorCounts,
} from '@tthc/domain';
import { CLOCK, type Clock, SETTINGS, UnitDirectory } from '@tthc/infrastructure';
import { type IndicatorGrouping, listProcedures, sumIndicatorPeriods } from '@tthc/persistence';
import type { ApiSettings } from '../api.settings';
import type { IndicatorGroupingParam, IndicatorsQuery } from './indicators.query';

/** Dossiers under a procedure code the catalogue does not (yet) hold: counted, under no level. */
export const UNCATALOGUED_LEVEL = 'UNCATALOGUED';

export interface IndicatorSelection {
  from: LocalDate;
  to: LocalDate;
  by: IndicatorGroupingParam;
  rankBy: IndicatorRankKey;
  unitCode?: string;
  procedureCode?: string;
  level?: ProcedureLevel;
  essential?: boolean;
}

/** The report a `GET /metrics/indicators` query asks for, with its defaults; the export of the same report reads it the same way. */
export function indicatorSelection(q: IndicatorsQuery, range: { from: LocalDate; to: LocalDate }): IndicatorSelection {
  return {
    ...range,
    by: q.by ?? 'unit',
    rankBy: q.rankBy ?? 'score766',
    unitCode: q.unitCode,
    procedureCode: q.procedureCode,
    level: q.level,
    essential: q.essential === undefined ? undefined : q.essential === 'true',
  };
}

export interface IndicatorRow extends IndicatorFigures {
  key: string;
  name: string | null;
  /** by=procedure: the procedure's catalogue entry (null for a code not in the catalogue). */
  procedure?: Pick<Procedure, 'level' | 'essential' | 'onlineService' | 'onlinePayment'> | null;
}

/**
 * `GET /metrics/indicators` (issue 15): the (unit, procedure, day) indicator rows summed exactly
 * over the period per unit, procedure, level or for the province, every rate and the 766 score
 * computed by libs/domain from those sums, ranked. Levels and the essential-service filter come
 * from the procedure catalogue.
 */
@Injectable()
export class IndicatorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly units: UnitDirectory,
    @Inject(SETTINGS) private readonly settings: ApiSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Every indicator of the province (or one unit) per day, month, quarter or year: one grouped
   * scan of the day rows (libs/persistence `sumIndicatorPeriods`), rates and scores per period.
   */
  async series(from: LocalDate, to: LocalDate, granularity: Granularity, unitCode?: string) {
    if (unitCode !== undefined && !this.units.get(unitCode)) throw new NotFoundException(`unit "${unitCode}" is not in the unit catalogue`);
    const periods = seriesPeriods(from, to, granularity, this.clock.now());
    const max = this.settings.MAX_SERIES_POINTS;
    if (periods.length > max) {
      throw new BadRequestException(`the series would have ${periods.length} points; at most ${max} are allowed: choose a coarser granularity or a shorter range`);
    }
    const sums =
      periods.length === 0
        ? new Map<string, PeriodIndicatorCounts[]>()
        : await sumIndicatorPeriods(this.dataSource, {
            periods: periods.map((p) => ({ from: p.from, to: p.to })),
            groupBy: 'total',
            unitCodes: unitCode === undefined ? undefined : [unitCode],
          });
    const counts = sums.get('*');
    const owner = unitCode === undefined ? { provinceCode: this.settings.PROVINCE_CODE } : { unitCode };
    const name = unitCode === undefined ? this.units.provinceName(this.settings.PROVINCE_CODE) : this.units.nameOf(unitCode);
    return {
      ...owner,
      name,
      from,
      to,
      granularity,
      points: periods.map((p, i) => ({ period: p.label, from: p.from, to: p.to, ...indicatorFigures(counts?.[i] ?? zeroPeriodIndicatorCounts()) })),
    };
  }

  async report(s: IndicatorSelection) {
    if (s.unitCode !== undefined && !this.units.get(s.unitCode)) throw new NotFoundException(`unit "${s.unitCode}" is not in the unit catalogue`);
    const catalogue = await listProcedures(this.dataSource);
    const byCode = new Map(catalogue.map((p) => [p.code, p]));
    // The procedures the selection admits; undefined = every code, catalogued or not.
    let procedureCodes: string[] | undefined;
    if (s.level !== undefined || s.essential !== undefined) {
      procedureCodes = catalogue.filter((p) => (s.level === undefined || p.level === s.level) && (s.essential === undefined || p.essential === s.essential)).map((p) => p.code);
    }
    if (s.procedureCode !== undefined) procedureCodes = procedureCodes === undefined || procedureCodes.includes(s.procedureCode) ? [s.procedureCode] : [];
    const groupBy: IndicatorGrouping = s.by === 'province' ? 'total' : s.by;
    const sums =
      procedureCodes?.length === 0
        ? new Map<string, PeriodIndicatorCounts[]>()
        : await sumIndicatorPeriods(this.dataSource, {
            periods: [{ from: s.from, to: s.to }],
            groupBy,
            unitCodes: s.unitCode === undefined ? undefined : [s.unitCode],
            procedureCodes,
            procedureLevels: new Map(catalogue.map((p) => [p.code, p.level])),
            unknownLevel: UNCATALOGUED_LEVEL,
          });
    const countsOf = (key: string) => sums.get(key)?.[0] ?? zeroPeriodIndicatorCounts();
    const keys = this.keys(s, sums, catalogue, procedureCodes);
    const rows: IndicatorRow[] = keys.map((key) => ({
      // The province row is keyed by the province's code, as province totals are elsewhere in the api.
      key: s.by === 'province' ? this.settings.PROVINCE_CODE : key,
      name: this.nameOf(s.by, key, byCode),
      ...this.extra(s.by, key, byCode),
      ...indicatorFigures(countsOf(key)),
    }));
    return {
      from: s.from,
      to: s.to,
      by: s.by,
      rankBy: s.rankBy,
      filters: { unitCode: s.unitCode ?? null, procedureCode: s.procedureCode ?? null, level: s.level ?? null, essential: s.essential ?? null },
      total: totalIndicatorFigures(rows),
      rows: rankIndicatorRows(rows, s.rankBy),
    };
  }

  /** Every row the breakdown has, with or without dossiers, so a unit or procedure with none still shows (ranked last). */
  private keys(s: IndicatorSelection, sums: Map<string, unknown>, catalogue: Procedure[], procedureCodes: string[] | undefined): string[] {
    switch (s.by) {
      case 'unit':
        return s.unitCode !== undefined ? [s.unitCode] : this.units.all().map((u) => u.code);
      case 'procedure': {
        const admitted = procedureCodes ?? catalogue.map((p) => p.code);
        return [...new Set([...admitted, ...sums.keys()])].sort();
      }
      case 'level': {
        const levels: string[] = s.level !== undefined ? [s.level] : [...PROCEDURE_LEVELS];
        return sums.has(UNCATALOGUED_LEVEL) ? [...levels, UNCATALOGUED_LEVEL] : levels;
      }
      case 'province':
        return ['*'];
    }
  }

  private nameOf(by: IndicatorGroupingParam, key: string, byCode: Map<string, Procedure>): string | null {
    switch (by) {
      case 'unit':
        return this.units.nameOf(key);
      case 'procedure':
        return byCode.get(key)?.name ?? null;
      case 'level':
        return key === UNCATALOGUED_LEVEL ? 'Thủ tục chưa có trong danh mục' : PROCEDURE_LEVEL_LABELS[key as ProcedureLevel];
      case 'province':
        return this.units.provinceName(this.settings.PROVINCE_CODE);
    }
  }

  private extra(by: IndicatorGroupingParam, key: string, byCode: Map<string, Procedure>): Partial<IndicatorRow> {
    if (by !== 'procedure') return {};
    const p = byCode.get(key);
    return { procedure: p ? { level: p.level, essential: p.essential, onlineService: p.onlineService, onlinePayment: p.onlinePayment } : null };
  }
}
