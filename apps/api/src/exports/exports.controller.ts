import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/auth.metadata';
import { Roles } from '../auth/roles';
import { IndicatorsQuery } from '../metrics/indicators.query';
import { indicatorSelection } from '../metrics/indicators.service';
import { RangeQuery, SeriesQuery } from '../metrics/range.query';
import { ReportRangeResolver } from '../metrics/report-range.resolver';
import { type ExportFile, type ExportFormat, ExportsService } from './exports.service';

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Auditors' downloads (issue 4): HTTP only; ExportsService builds, renders and records each file. */
@ApiTags('exports')
@ApiSecurity('api-key')
@Controller('exports')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly ranges: ReportRangeResolver,
  ) {}

  private async unitsFile(q: RangeQuery, format: ExportFormat, actor: string): Promise<StreamableFile> {
    const { from, to } = this.ranges.resolve(q);
    return attachment(await this.exports.unitsReport(from, to, format, actor), format);
  }

  private async seriesFile(unitCode: string | undefined, q: SeriesQuery, format: ExportFormat, actor: string): Promise<StreamableFile> {
    const { from, to } = this.ranges.resolve(q);
    return attachment(await this.exports.seriesReport(unitCode, from, to, q.granularity ?? 'day', format, actor), format);
  }

  private async indicatorsFile(q: IndicatorsQuery, format: ExportFormat, actor: string): Promise<StreamableFile> {
    return attachment(await this.exports.indicatorsReport(indicatorSelection(q, this.ranges.resolve(q)), format, actor), format);
  }

  @Get('indicators.csv')
  @Roles('auditor')
  @ApiOperation({ summary: 'Every indicator, the five 766 groups and the total per unit, procedure, level or province, ranked; the parameters of GET /metrics/indicators; CSV (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.csv)
  indicatorsCsv(@Query() q: IndicatorsQuery, @Actor() actor: string) {
    return this.indicatorsFile(q, 'csv', actor);
  }

  @Get('indicators.xlsx')
  @Roles('auditor')
  @ApiOperation({ summary: 'The same as indicators.csv, Excel workbook (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.xlsx)
  indicatorsXlsx(@Query() q: IndicatorsQuery, @Actor() actor: string) {
    return this.indicatorsFile(q, 'xlsx', actor);
  }

  @Get('units.csv')
  @Roles('auditor')
  @ApiOperation({ summary: 'Every unit’s metrics for the range, CSV (UTF-8 with BOM, RFC 4180) (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.csv)
  unitsCsv(@Query() q: RangeQuery, @Actor() actor: string) {
    return this.unitsFile(q, 'csv', actor);
  }

  @Get('units.xlsx')
  @Roles('auditor')
  @ApiOperation({ summary: 'Every unit’s metrics for the range, Excel workbook (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.xlsx)
  unitsXlsx(@Query() q: RangeQuery, @Actor() actor: string) {
    return this.unitsFile(q, 'xlsx', actor);
  }

  @Get('province/series.csv')
  @Roles('auditor')
  @ApiOperation({ summary: 'The province’s series, CSV (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.csv)
  provinceSeriesCsv(@Query() q: SeriesQuery, @Actor() actor: string) {
    return this.seriesFile(undefined, q, 'csv', actor);
  }

  @Get('province/series.xlsx')
  @Roles('auditor')
  @ApiOperation({ summary: 'The province’s series, Excel workbook (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.xlsx)
  provinceSeriesXlsx(@Query() q: SeriesQuery, @Actor() actor: string) {
    return this.seriesFile(undefined, q, 'xlsx', actor);
  }

  @Get('units/:unitCode/series.csv')
  @Roles('auditor')
  @ApiOperation({ summary: 'One unit’s series, CSV (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.csv)
  unitSeriesCsv(@Param('unitCode') unitCode: string, @Query() q: SeriesQuery, @Actor() actor: string) {
    return this.seriesFile(unitCode, q, 'csv', actor);
  }

  @Get('units/:unitCode/series.xlsx')
  @Roles('auditor')
  @ApiOperation({ summary: 'One unit’s series, Excel workbook (role: auditor)' })
  @ApiProduces(CONTENT_TYPES.xlsx)
  unitSeriesXlsx(@Param('unitCode') unitCode: string, @Query() q: SeriesQuery, @Actor() actor: string) {
    return this.seriesFile(unitCode, q, 'xlsx', actor);
  }
}

function attachment(file: ExportFile, format: ExportFormat): StreamableFile {
  return new StreamableFile(file.body, {
    type: CONTENT_TYPES[format],
    disposition: `attachment; filename="${file.filename}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    length: file.body.length,
  });
}
