import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Roles } from '../auth/roles';
import { IndicatorSeriesDto, IndicatorsReportDto } from './indicators.dto';
import { IndicatorSeriesQuery, IndicatorsQuery } from './indicators.query';
import { IndicatorsService, indicatorSelection } from './indicators.service';
import { LiveMetricsService } from './live-metrics.service';
import { LiveQuery } from './live.query';
import { ProvinceMetricsDto, RankingDto, SeriesDto, UnitMetricsDto, UnitsMetricsDto } from './metrics.dto';
import { MetricsService } from './metrics.service';
import { RangeQuery, RankingQuery, SeriesQuery } from './range.query';
import { ReportRangeResolver } from './report-range.resolver';

@ApiTags('metrics')
@ApiSecurity('api-key')
@ApiUnauthorizedResponse({ description: 'No X-API-Key, or a key that is not valid.' })
@ApiForbiddenResponse({ description: 'The key lacks the role the endpoint requires.' })
@ApiBadRequestResponse({ description: 'A bad date, `from` after `to`, a range over MAX_RANGE_DAYS, an unknown granularity/metric or parameter.' })
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly live: LiveMetricsService,
    private readonly ranges: ReportRangeResolver,
    private readonly indicators: IndicatorsService,
  ) {}

  @Get('indicators')
  @Roles('ioc', 'auditor')
  @ApiOperation({
    summary: 'Every indicator of issue 15 per unit, procedure, level or for the province, with the 766 group scores and total, ranked (roles: ioc, auditor)',
    description:
      'Exact sums of the (unit, procedure, day) rows over the period; every rate, the average handling time, the five group scores and the 100-point total computed from the sums by libs/domain. `by=procedure&unitCode=…` ranks one unit’s procedures; `level` and `essential` filter by the procedure catalogue.',
  })
  @ApiOkResponse({ type: IndicatorsReportDto })
  @ApiNotFoundResponse({ description: 'unitCode is not in the unit catalogue.' })
  indicatorReport(@Query() q: IndicatorsQuery) {
    return this.indicators.report(indicatorSelection(q, this.ranges.resolve(q)));
  }

  @Get('province')
  @Roles('ioc', 'auditor')
  @ApiOperation({ summary: 'Province totals and rates for an inclusive local-date range (roles: ioc, auditor)' })
  @ApiOkResponse({ type: ProvinceMetricsDto })
  province(@Query() q: RangeQuery) {
    const { from, to } = this.ranges.resolve(q);
    return this.metrics.forProvince(from, to);
  }

  @Get('province/series')
  @Roles('ioc', 'auditor')
  @ApiOperation({ summary: 'Province time series by day, month, quarter or year (roles: ioc, auditor)' })
  @ApiOkResponse({ type: SeriesDto })
  provinceSeries(@Query() q: SeriesQuery) {
    const { from, to } = this.ranges.resolve(q);
    return this.metrics.series(undefined, from, to, q.granularity ?? 'day');
  }

  @Get('units')
  @Roles('ioc', 'auditor')
  @ApiOperation({ summary: 'Every unit’s totals and rates for the range (roles: ioc, auditor)' })
  @ApiOkResponse({ type: UnitsMetricsDto })
  async units(@Query() q: RangeQuery) {
    const { from, to } = this.ranges.resolve(q);
    return { from, to, units: await this.metrics.forUnits(from, to) };
  }

  @Get('ranking')
  @Roles('ioc', 'auditor')
  @ApiOperation({ summary: 'Units ranked by a rate, ascending (weakest first), units without a rate last (roles: ioc, auditor)' })
  @ApiOkResponse({ type: RankingDto })
  ranking(@Query() q: RankingQuery) {
    const { from, to } = this.ranges.resolve(q);
    return this.metrics.ranking(from, to, q.metric ?? 'onlineRate');
  }

  @Get('indicators/series')
  @Roles('ioc', 'auditor')
  @ApiOperation({ summary: 'Every indicator and the 766 score of the province, or of one unit (?unitCode=), by day, month, quarter or year (roles: ioc, auditor)' })
  @ApiOkResponse({ type: IndicatorSeriesDto })
  @ApiNotFoundResponse({ description: 'unitCode is not in the unit catalogue.' })
  indicatorSeries(@Query() q: IndicatorSeriesQuery) {
    const { from, to } = this.ranges.resolve(q);
    return this.indicators.series(from, to, q.granularity ?? 'day', q.unitCode);
  }

  @Get('live')
  @Roles('ioc')
  @ApiOperation({ summary: 'Today, month-to-date and rolling 30 days for the province and each unit, from Redis; ?provinceCode= for one province of a national deployment (role: ioc)' })
  @ApiNotFoundResponse({ description: 'provinceCode is not a province this deployment serves.' })
  liveFigures(@Query() q: LiveQuery) {
    return this.live.read(q.provinceCode);
  }

  @Get('units/:unitCode')
  @Roles('ioc', 'auditor')
  @ApiOperation({ summary: 'One unit’s totals and rates (roles: ioc, auditor)' })
  @ApiOkResponse({ type: UnitMetricsDto })
  @ApiNotFoundResponse({ description: 'The unit is not in the catalogue.' })
  unit(@Param('unitCode') unitCode: string, @Query() q: RangeQuery) {
    const { from, to } = this.ranges.resolve(q);
    return this.metrics.forUnit(unitCode, from, to);
  }

  /** Auditors' series; the IOC screen reads it too, for the trend of a selected unit. */
  @Get('units/:unitCode/series')
  @Roles('auditor', 'ioc')
  @ApiOperation({ summary: 'One unit’s time series by day, month, quarter or year (roles: auditor, ioc)' })
  @ApiOkResponse({ type: SeriesDto })
  @ApiNotFoundResponse({ description: 'The unit is not in the catalogue.' })
  unitSeries(@Param('unitCode') unitCode: string, @Query() q: SeriesQuery) {
    const { from, to } = this.ranges.resolve(q);
    return this.metrics.series(unitCode, from, to, q.granularity ?? 'day');
  }
}
