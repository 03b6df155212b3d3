import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Granularity, LocalDate } from '@tthc/domain';
import { CLOCK, type Clock, SETTINGS, UnitDirectory } from '@tthc/infrastructure';
import { type ExportRecord, countersLastUpdatedAt, recordExport } from '@tthc/persistence';
import type { ApiSettings } from '../api.settings';
import { type IndicatorSelection, IndicatorsService } from '../metrics/indicators.service';
import { MetricsService } from '../metrics/metrics.service';
import { toCsv } from './csv.writer';
import { type ExportTable, FIGURE_HEADERS, figureCells, periodPreamble } from './export-table';
import { INDICATOR_HEADERS, indicatorCells } from './indicator-table';
import { toXlsx } from './xlsx.writer';

export type ExportFormat = 'csv' | 'xlsx';

/** A rendered report: the file's bytes and its name. */
export interface ExportFile {
  body: Buffer;
  filename: string;
}

const INDICATOR_BY_VI = { unit: 'đơn vị', procedure: 'thủ tục', level: 'cấp thủ tục', province: 'tỉnh' } as const;
const INDICATOR_KEY_VI = { unit: 'Mã đơn vị', procedure: 'Mã thủ tục', level: 'Cấp', province: 'Mã tỉnh' } as const;
const GRANULARITY_VI = { day: 'ngày', month: 'tháng', quarter: 'quý', year: 'năm' } as const;

/**
 * Auditors' downloads (issue 4): the figures of MetricsService as a table with a preamble,
 * rendered as CSV or XLSX, and recorded in `export_log` under the name of the API key that asked
 * (issue 10), which the file's preamble names too.
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly metrics: MetricsService,
    private readonly indicators: IndicatorsService,
    private readonly units: UnitDirectory,
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SETTINGS) private readonly settings: ApiSettings,
  ) {}

  /** Every unit's figures for [from, to]. */
  async unitsReport(from: LocalDate, to: LocalDate, format: ExportFormat, actor: string): Promise<ExportFile> {
    const generatedAt = this.clock.now();
    const [all, asOf] = await Promise.all([this.metrics.forUnits(from, to), countersLastUpdatedAt(this.dataSource)]);
    const table: ExportTable = {
      title: `Chỉ số giải quyết hồ sơ TTHC theo đơn vị — ${this.units.provinceName(this.settings.PROVINCE_CODE)}`,
      preamble: periodPreamble(from, to, generatedAt, asOf),
      headers: ['Mã đơn vị', 'Tên đơn vị', ...FIGURE_HEADERS],
      rows: all.map((m) => [m.unitCode, this.units.nameOf(m.unitCode), ...figureCells(m)]),
    };
    return this.render(table, format, `tthc-don-vi_${from}_${to}`, { actor, report: 'units', unitCode: null, granularity: null, from, to });
  }

  /** A unit's series, or the province's when `unitCode` is undefined. */
  async seriesReport(unitCode: string | undefined, from: LocalDate, to: LocalDate, granularity: Granularity, format: ExportFormat, actor: string): Promise<ExportFile> {
    const generatedAt = this.clock.now();
    const [series, asOf] = await Promise.all([this.metrics.series(unitCode, from, to, granularity), countersLastUpdatedAt(this.dataSource)]);
    const table: ExportTable = {
      title: `Chuỗi số liệu theo ${GRANULARITY_VI[granularity]} — ${series.name}${unitCode ? ` (mã ${unitCode})` : ''}`,
      preamble: periodPreamble(from, to, generatedAt, asOf),
      headers: ['Kỳ', 'Từ ngày', 'Đến ngày', ...FIGURE_HEADERS],
      rows: series.points.map((p) => [p.period, p.from, p.to, ...figureCells(p)]),
    };
    const owner = unitCode ?? `tinh-${this.settings.PROVINCE_CODE}`;
    return this.render(table, format, `tthc-chuoi_${owner}_${granularity}_${from}_${to}`, {
      actor,
      report: unitCode ? 'unit-series' : 'province-series',
      unitCode: unitCode ?? null,
      granularity,
      from,
      to,
    });
  }

  /**
   * Every indicator of issue 15 per unit, procedure or level (or the province), ranked as
   * `GET /metrics/indicators` ranks it: the counts, every rate, the average handling time, the
   * five 766 groups and the total, with the same preamble and export log as the other reports.
   */
  async indicatorsReport(s: IndicatorSelection, format: ExportFormat, actor: string): Promise<ExportFile> {
    const generatedAt = this.clock.now();
    const [report, asOf] = await Promise.all([this.indicators.report(s), countersLastUpdatedAt(this.dataSource)]);
    const filters = [
      s.unitCode && `đơn vị ${s.unitCode}`,
      s.procedureCode && `thủ tục ${s.procedureCode}`,
      s.level && `cấp ${s.level}`,
      s.essential !== undefined && (s.essential ? 'dịch vụ công thiết yếu (Đề án 06)' : 'ngoài Đề án 06'),
    ].filter(Boolean);
    const preamble = periodPreamble(s.from, s.to, generatedAt, asOf);
    preamble.push(['Xếp hạng theo', s.rankBy], ['Lọc', filters.length > 0 ? filters.join('; ') : 'không']);
    const table: ExportTable = {
      title: `Bộ chỉ số 766 theo ${INDICATOR_BY_VI[s.by]} — ${this.units.provinceName(this.settings.PROVINCE_CODE)}`,
      preamble,
      headers: ['Hạng', INDICATOR_KEY_VI[s.by], 'Tên', ...INDICATOR_HEADERS],
      rows: [...report.rows.map((r) => [r.rank, r.key, r.name, ...indicatorCells(r)]), [null, 'Tổng', null, ...indicatorCells(report.total)]],
    };
    return this.render(table, format, `tthc-chi-so_${s.by}_${s.from}_${s.to}`, {
      actor,
      report: `indicators-${s.by}`,
      unitCode: s.unitCode ?? null,
      granularity: null,
      from: s.from,
      to: s.to,
    });
  }

  private async render(table: ExportTable, format: ExportFormat, baseName: string, record: Omit<ExportRecord, 'format' | 'rowCount' | 'at'>): Promise<ExportFile> {
    table.preamble.push(['Người xuất (khóa API)', record.actor]);
    await recordExport(this.dataSource, { ...record, format, rowCount: table.rows.length, at: this.clock.now() });
    return { body: format === 'csv' ? toCsv(table) : await toXlsx(table), filename: `${baseName}.${format}` };
  }
}
