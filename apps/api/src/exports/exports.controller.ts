import { Controller, Get, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { SETTINGS, UnitDirectory } from '@tthc/infrastructure';
import { type ExportRecord, countersLastUpdatedAt, recordExport } from '@tthc/persistence';
import type { ApiSettings } from '../api.settings';
import { Actor } from '../auth/auth.metadata';
import { Roles } from '../auth/roles';
import { MetricsService } from '../metrics/metrics.service';
import { RangeQuery, SeriesQuery } from '../metrics/range.query';
import { resolveRange } from '../metrics/resolve-range';
import { toCsv } from './csv.writer';
import { type ExportTable, FIGURE_HEADERS, figureCells, periodPreamble } from './export-table';
import { toXlsx } from './xlsx.writer';

type Format = 'csv' | 'xlsx';
const CONTENT_TYPES: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const GRANULARITY_VI = { day: 'ngày', month: 'tháng', quarter: 'quý', year: 'năm' } as const;

/**
 * Auditors' downloads (issue 4): unit metrics for a range, and a unit's or the province's series.
 * Each is recorded in `export_log` under the name of the API key that asked (issue 10), and the
 * file's preamble names it too.
 */
@ApiTags('exports')
@ApiSecurity('api-key')
@Controller('exports')
export class ExportsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly units: UnitDirectory,
    private readonly dataSource: DataSource,
    @Inject(SETTINGS) private readonly settings: ApiSettings,
  ) {}

  private range(q: RangeQuery) {
    return resolveRange(q, this.metrics.today(), this.settings.MAX_RANGE_DAYS);
  }

  private async send(table: ExportTable, format: Format, baseName: string, record: Omit<ExportRecord, 'format' | 'rowCount' | 'at'>): Promise<StreamableFile> {
    table.preamble.push(['Người xuất (khóa API)', record.actor]);
    await recordExport(this.dataSource, { ...record, format, rowCount: table.rows.length, at: this.metrics.now() });
    const body = format === 'csv' ? toCsv(table) : await toXlsx(table);
    const filename = `${baseName}.${format}`;
    return new StreamableFile(body, {
      type: CONTENT_TYPES[format],
      disposition: `attachment; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      length: body.length,
    });
  }

  private async unitsTable(q: RangeQuery): Promise<{ table: ExportTable; name: string; from: string; to: string }> {
    const { from, to } = this.range(q);
    const generatedAt = this.metrics.now();
    const [all, asOf] = await Promise.all([this.metrics.forUnits(from, to), countersLastUpdatedAt(this.dataSource)]);
    return {
      name: `tthc-don-vi_${from}_${to}`,
      from,
      to,
      table: {
        title: `Chỉ số giải quyết hồ sơ TTHC theo đơn vị — ${this.metrics.provinceName()}`,
        preamble: periodPreamble(from, to, generatedAt, asOf),
        headers: ['Mã đơn vị', 'Tên đơn vị', ...FIGURE_HEADERS],
        rows: all.map((m) => [m.unitCode, this.units.get(m.unitCode)?.name ?? m.unitCode, ...figureCells(m)]),
      },
    };
  }

  private async seriesTable(unitCode: string | undefined, q: SeriesQuery): Promise<{ table: ExportTable; name: string; from: string; to: string; granularity: string }> {
    const { from, to } = this.range(q);
    const granularity = q.granularity ?? 'day';
    const generatedAt = this.metrics.now();
    const [series, asOf] = await Promise.all([this.metrics.series(unitCode, from, to, granularity), countersLastUpdatedAt(this.dataSource)]);
    const owner = unitCode ?? this.metrics.provinceCode;
    return {
      name: `tthc-chuoi_${unitCode ?? 'tinh-' + owner}_${granularity}_${from}_${to}`,
      from,
      to,
      granularity,
      table: {
        title: `Chuỗi số liệu theo ${GRANULARITY_VI[granularity]} — ${series.name}${unitCode ? ` (mã ${unitCode})` : ''}`,
        preamble: periodPreamble(from, to, generatedAt, asOf),
        headers: ['Kỳ', 'Từ ngày', 'Đến ngày', ...FIGURE_HEADERS],
        rows: series.points.map((p) => [p.period, p.from, p.to, ...figureCells(p)]),
      },
    };
  }

  @Get('units.csv')
  @Roles('auditor')
  @ApiOperation({ summary: 'Every unit’s metrics for the range, CSV (UTF-8 with BOM, RFC 4180) (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.csv)
  async unitsCsv(@Query() q: RangeQuery, @Actor() actor: string) {
    const { table, name, from, to } = await this.unitsTable(q);
    return this.send(table, 'csv', name, { actor, report: 'units', unitCode: null, granularity: null, from, to });
  }

  @Get('units.xlsx')
  @Roles('auditor')
  @ApiOperation({ summary: 'Every unit’s metrics for the range, Excel workbook (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.xlsx)
  async unitsXlsx(@Query() q: RangeQuery, @Actor() actor: string) {
    const { table, name, from, to } = await this.unitsTable(q);
    return this.send(table, 'xlsx', name, { actor, report: 'units', unitCode: null, granularity: null, from, to });
  }

  @Get('province/series.csv')
  @Roles('auditor')
  @ApiOperation({ summary: 'The province’s series, CSV (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.csv)
  async provinceSeriesCsv(@Query() q: SeriesQuery, @Actor() actor: string) {
    const { table, name, ...range } = await this.seriesTable(undefined, q);
    return this.send(table, 'csv', name, { actor, report: 'province-series', unitCode: null, ...range });
  }

  @Get('province/series.xlsx')
  @Roles('auditor')
  @ApiOperation({ summary: 'The province’s series, Excel workbook (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.xlsx)
  async provinceSeriesXlsx(@Query() q: SeriesQuery, @Actor() actor: string) {
    const { table, name, ...range } = await this.seriesTable(undefined, q);
    return this.send(table, 'xlsx', name, { actor, report: 'province-series', unitCode: null, ...range });
  }

  @Get('units/:unitCode/series.csv')
  @Roles('auditor')
  @ApiOperation({ summary: 'One unit’s series, CSV (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.csv)
  async unitSeriesCsv(@Param('unitCode') unitCode: string, @Query() q: SeriesQuery, @Actor() actor: string) {
    const { table, name, ...range } = await this.seriesTable(unitCode, q);
    return this.send(table, 'csv', name, { actor, report: 'unit-series', unitCode, ...range });
  }

  @Get('units/:unitCode/series.xlsx')
  @Roles('auditor')
  @ApiOperation({ summary: 'One unit’s series, Excel workbook (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.xlsx)
  async unitSeriesXlsx(@Param('unitCode') unitCode: string, @Query() q: SeriesQuery, @Actor() actor: string) {
    const { table, name, ...range } = await this.seriesTable(unitCode, q);
    return this.send(table, 'xlsx', name, { actor, report: 'unit-series', unitCode, ...range });
  }
}
