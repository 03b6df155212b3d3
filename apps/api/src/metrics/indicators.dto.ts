import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANULARITIES, GROUPS_766, INDICATOR_RANK_KEYS, PERIOD_INDICATOR_FIELDS, PROCEDURE_LEVELS } from '@tthc/domain';
import { INDICATOR_GROUPINGS } from './indicators.query';

/** Describes each field of a plain object to the OpenAPI document (the service returns plain objects). */
function describeFields(target: object, fields: readonly string[], options: Parameters<typeof ApiProperty>[0]): void {
  for (const f of fields) ApiProperty(options)(target, f);
}

const RATE_FIELDS = INDICATOR_RANK_KEYS.filter((k) => k !== 'score766');

export class IndicatorCountsDto {}
describeFields(IndicatorCountsDto.prototype, PERIOD_INDICATOR_FIELDS, {
  type: Number,
  description: 'Exact sum of the period’s day rows (openAtEnd, overdueAtEnd: gauges at the end of the period). handlingMsSum in milliseconds.',
});

export class IndicatorRatesDto {}
describeFields(IndicatorRatesDto.prototype, RATE_FIELDS, {
  type: Number,
  nullable: true,
  description: 'A ratio 0..1 derived from the summed counts (averageHandlingDays in days, averageScore on 1–5); null when its denominator is 0.',
});

export class GroupScore766Dto {
  @ApiProperty({ enum: GROUPS_766 }) group: string;
  @ApiProperty({ example: 'Cung cấp dịch vụ trực tuyến' }) label: string;
  @ApiProperty({ example: 22 }) maxPoints: number;
  @ApiProperty({ type: Number, nullable: true, description: 'maxPoints × mean of the group’s measurable rates; null when none is measurable.' })
  points: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number', nullable: true }, description: 'The rates the group is built from.' })
  rates: Record<string, number | null>;
}

export class Score766Dto {
  @ApiProperty({ type: [GroupScore766Dto], description: 'The five groups of Decision 766/QĐ-TTg: 18 + 20 + 22 + 22 + 18 points.' })
  groups: GroupScore766Dto[];
  @ApiProperty({ example: 71.4, description: 'Σ of the groups’ points (an unmeasurable group adds 0), out of 100.' }) total: number;
  @ApiProperty({ example: 100, description: 'Σ of the maximum points of the measurable groups: the most `total` could be.' }) measuredPoints: number;
}

export class IndicatorFiguresDto {
  @ApiProperty({ type: IndicatorCountsDto }) counts: IndicatorCountsDto;
  @ApiProperty({ type: IndicatorRatesDto }) rates: IndicatorRatesDto;
  @ApiProperty({ type: Score766Dto }) score766: Score766Dto;
}

export class ProcedureFlagsDto {
  @ApiProperty({ enum: PROCEDURE_LEVELS }) level: string;
  @ApiProperty() essential: boolean;
  @ApiProperty() onlineService: boolean;
  @ApiProperty() onlinePayment: boolean;
}

export class IndicatorRowDto extends IndicatorFiguresDto {
  @ApiProperty({ example: 1, description: 'Rank by `rankBy`, 1 = best.' }) rank: number;
  @ApiProperty({ example: '28756', description: 'Unit code, procedure code, level (PROVINCIAL, COMMUNE, SHARED, UNCATALOGUED) or province code.' }) key: string;
  @ApiProperty({ type: String, nullable: true, example: 'Phường Phú Khương' }) name: string | null;
  @ApiPropertyOptional({ type: ProcedureFlagsDto, nullable: true, description: 'by=procedure: the catalogue entry; null for a code not in the catalogue.' })
  procedure?: ProcedureFlagsDto | null;
}

export class IndicatorsReportDto {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ enum: INDICATOR_GROUPINGS }) by: string;
  @ApiProperty({ enum: INDICATOR_RANK_KEYS }) rankBy: string;
  @ApiProperty({ description: 'The filters applied (null: not filtered).' }) filters: Record<string, unknown>;
  @ApiProperty({ type: IndicatorFiguresDto, description: 'All rows together: counts summed, rates and scores from the sums.' }) total: IndicatorFiguresDto;
  @ApiProperty({ type: [IndicatorRowDto], description: 'Ranked best first; rows without the figure last.' }) rows: IndicatorRowDto[];
}

export class IndicatorSeriesPointDto extends IndicatorFiguresDto {
  @ApiProperty({ example: '2025-07-01' }) period: string;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
}

export class IndicatorSeriesDto {
  @ApiPropertyOptional({ example: '28756' }) unitCode?: string;
  @ApiPropertyOptional({ example: '86' }) provinceCode?: string;
  @ApiProperty({ example: 'Tỉnh Vĩnh Long' }) name: string;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ enum: GRANULARITIES }) granularity: string;
  @ApiProperty({ type: [IndicatorSeriesPointDto] }) points: IndicatorSeriesPointDto[];
}
