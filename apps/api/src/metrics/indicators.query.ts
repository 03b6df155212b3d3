import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { INDICATOR_RANK_KEYS, type IndicatorRankKey, PROCEDURE_LEVELS, type ProcedureLevel } from '@tthc/domain';
import { RangeQuery, SeriesQuery } from './range.query';

export const INDICATOR_GROUPINGS = ['unit', 'procedure', 'level', 'province'] as const;
export type IndicatorGroupingParam = (typeof INDICATOR_GROUPINGS)[number];

/** `GET /metrics/indicators`: the period, what to break down by, what to rank by, and which dossiers count. */
export class IndicatorsQuery extends RangeQuery {
  @ApiPropertyOptional({ enum: INDICATOR_GROUPINGS, default: 'unit', description: 'One row per unit, per procedure, per procedure level, or one row for the province.' })
  @IsOptional()
  @IsIn(INDICATOR_GROUPINGS, { message: `by must be one of: ${INDICATOR_GROUPINGS.join(', ')}, got "$value"` })
  by?: IndicatorGroupingParam;

  @ApiPropertyOptional({
    enum: INDICATOR_RANK_KEYS,
    default: 'score766',
    description: 'Rank rows by the 766 total (100 points) or by one indicator; rank 1 is best (lowest for lateRate, withdrawnRate, averageHandlingDays); rows without the figure last.',
  })
  @IsOptional()
  @IsIn(INDICATOR_RANK_KEYS, { message: `rankBy must be one of: ${INDICATOR_RANK_KEYS.join(', ')}, got "$value"` })
  rankBy?: IndicatorRankKey;

  @ApiPropertyOptional({ example: '28756', description: 'Only this unit’s dossiers (e.g. `by=procedure&unitCode=28756`: a unit’s procedures ranked).' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$/, { message: 'unitCode must be a unit code such as 28756' })
  unitCode?: string;

  @ApiPropertyOptional({ example: '1.001193', description: 'Only this procedure’s dossiers.' })
  @IsOptional()
  @Matches(/^\d\.\d{6}$/, { message: 'procedureCode must look like 1.001193' })
  procedureCode?: string;

  @ApiPropertyOptional({ enum: PROCEDURE_LEVELS, description: 'Only dossiers of procedures of this level (from the procedure catalogue).' })
  @IsOptional()
  @IsIn(PROCEDURE_LEVELS, { message: `level must be one of: ${PROCEDURE_LEVELS.join(', ')}, got "$value"` })
  level?: ProcedureLevel;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only dossiers of Đề án 06 essential services (true) or of the others (false).' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'essential must be true or false, got "$value"' })
  essential?: 'true' | 'false';
}

/** `GET /metrics/indicators/series`: the province's, or one unit's, indicators per period. */
export class IndicatorSeriesQuery extends SeriesQuery {
  @ApiPropertyOptional({ example: '28756', description: 'One unit’s series; omitted, the province’s.' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$/, { message: 'unitCode must be a unit code such as 28756' })
  unitCode?: string;
}
