import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/**
 * `GET /metrics/live?provinceCode=`: one province's units and totals. A national deployment
 * (`PROVINCE_CODE=all`) answers ~3,400 units, ~6 MB, without it; an IOC screen of one province
 * asks for its own (~125 units, ~0.25 MB).
 */
export class LiveQuery {
  @ApiPropertyOptional({
    example: '86',
    description: 'Only this province’s units, and its totals. Omitted: every province this deployment serves (one, or all with PROVINCE_CODE=all).',
  })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'provinceCode must be a two-digit province code such as 86' })
  provinceCode?: string;
}
