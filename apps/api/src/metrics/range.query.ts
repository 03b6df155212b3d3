import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsLocalDateString } from '@tthc/contracts';
import { GRANULARITIES, type Granularity, RANKING_METRICS, type RankingMetric } from '@tthc/domain';

/** `?from&to`: inclusive local dates. Omitted, they default to month-to-date. */
export class RangeQuery {
  @ApiPropertyOptional({ description: 'First local day (Asia/Ho_Chi_Minh), inclusive. Default: first day of `to`’s month.', example: '2025-07-01', format: 'date' })
  @IsOptional()
  @IsLocalDateString()
  from?: string;

  @ApiPropertyOptional({ description: 'Last local day, inclusive. Default: today.', example: '2025-07-31', format: 'date' })
  @IsOptional()
  @IsLocalDateString()
  to?: string;
}

export class SeriesQuery extends RangeQuery {
  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day', description: 'Length of each point of the series.' })
  @IsOptional()
  @IsIn(GRANULARITIES, { message: 'granularity must be one of: day, month, quarter, year, got "$value"' })
  granularity?: Granularity;
}

export class RankingQuery extends RangeQuery {
  @ApiPropertyOptional({ enum: RANKING_METRICS, default: 'onlineRate', description: 'The rate units are ordered by, weakest first.' })
  @IsOptional()
  @IsIn(RANKING_METRICS, { message: `metric must be one of: ${RANKING_METRICS.join(', ')}, got "$value"` })
  metric?: RankingMetric;
}
