import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANULARITIES, RANKING_METRICS } from '@tthc/domain';

/**
 * Response shapes, for the OpenAPI document clients build against. The service returns plain
 * objects of these shapes; the classes only describe them.
 */
export class MetricsFiguresDto {
  @ApiProperty({ example: '2025-07-01', format: 'date' }) from: string;
  @ApiProperty({ example: '2025-07-31', format: 'date' }) to: string;
  @ApiProperty({ description: 'Dossiers received in the range (local day of RECEIVED).' }) receivedTotal: number;
  @ApiProperty() receivedOnline: number;
  @ApiProperty() receivedDirect: number;
  @ApiProperty({ type: Number, nullable: true, description: 'receivedOnline / receivedTotal (0..1); null when nothing was received.' })
  onlineRate: number | null;
  @ApiProperty({ description: 'Dossiers resolved in the range (local day of RESOLVED).' }) resolvedTotal: number;
  @ApiProperty() resolvedOnTime: number;
  @ApiProperty() resolvedLate: number;
  @ApiProperty({ type: Number, nullable: true, description: 'resolvedOnTime / resolvedTotal; null when nothing was resolved.' })
  onTimeRate: number | null;
  @ApiProperty({ description: 'Open and past deadline (or flagged LATE) at the end of the range (now, for a range reaching today).' })
  overdueOpen: number;
  @ApiProperty({ description: 'Open and within deadline at the end of the range.' }) openWithinDeadline: number;
  @ApiProperty({ description: '766 numerator: resolved on time in the range + open within deadline at its end.' })
  progress766Numerator: number;
  @ApiProperty({ description: '766 denominator: resolved in the range + open at its end (within deadline or overdue).' })
  progress766Denominator: number;
  @ApiProperty({ type: Number, nullable: true, description: '766 progress rate (Decision 766/QĐ-TTg): numerator / denominator.' })
  progressRate766: number | null;
}

export class UnitMetricsDto extends MetricsFiguresDto {
  @ApiProperty({ example: '28756' }) unitCode: string;
}

export class ProvinceMetricsDto extends MetricsFiguresDto {
  @ApiProperty({ example: '86' }) provinceCode: string;
  @ApiProperty({ example: 125 }) unitCount: number;
}

export class UnitsMetricsDto {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ type: [UnitMetricsDto] }) units: UnitMetricsDto[];
}

export class SeriesPointDto extends MetricsFiguresDto {
  @ApiProperty({ example: '2025-Q3', description: 'Period label: 2025-07-01, 2025-07, 2025-Q3 or 2025.' }) period: string;
}

export class SeriesDto {
  @ApiPropertyOptional({ example: '28756', description: 'Present for a unit series.' }) unitCode?: string;
  @ApiPropertyOptional({ example: '86', description: 'Present for the province series.' }) provinceCode?: string;
  @ApiProperty({ example: 'Phường Phú Khương' }) name: string;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ enum: GRANULARITIES }) granularity: string;
  @ApiProperty({ type: [SeriesPointDto], description: 'Periods in order; the first and last are clipped to the range; periods not begun are left out.' })
  points: SeriesPointDto[];
}

export class RankedUnitDto extends UnitMetricsDto {
  @ApiProperty({ example: 1 }) rank: number;
  @ApiProperty({ example: 'Phường Phú Khương' }) name: string;
}

export class RankingDto {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ enum: RANKING_METRICS }) metric: string;
  @ApiProperty({ type: [RankedUnitDto], description: 'Ascending (weakest first); units without a rate last.' }) units: RankedUnitDto[];
}
