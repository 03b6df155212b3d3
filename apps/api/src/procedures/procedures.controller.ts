import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DataSource } from 'typeorm';
import { PROCEDURE_LEVELS, PROCEDURE_LEVEL_LABELS, type ProcedureLevel } from '@tthc/domain';
import { listProcedures } from '@tthc/persistence';

export class ProceduresQuery {
  @ApiPropertyOptional({ enum: PROCEDURE_LEVELS, description: 'Only procedures of this level.' })
  @IsOptional()
  @IsIn(PROCEDURE_LEVELS, { message: `level must be one of: ${PROCEDURE_LEVELS.join(', ')}, got "$value"` })
  level?: ProcedureLevel;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only the Đề án 06 essential services (true), or only the others (false).' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'essential must be true or false, got "$value"' })
  essential?: 'true' | 'false';
}

export class ProcedureDto {
  @ApiProperty({ example: '1.001193', description: 'The national TTHC database code (mã thủ tục).' }) code: string;
  @ApiProperty({ example: 'Đăng ký khai sinh' }) name: string;
  @ApiProperty({ enum: PROCEDURE_LEVELS }) level: string;
  @ApiProperty({ example: 'Cấp xã' }) levelLabel: string;
  @ApiProperty() onlineService: boolean;
  @ApiProperty() onlinePayment: boolean;
  @ApiProperty({ description: 'A Đề án 06 essential public service.' }) essential: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'Statutory deadline in working days; null when the catalogue does not say.' })
  deadlineWorkingDays: number | null;
}

/** The procedure catalogue (issue 15). Any role: like the unit catalogue, it names things, it holds no figures. */
@ApiTags('procedures')
@ApiSecurity('api-key')
@Controller('procedures')
export class ProceduresController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'The procedure catalogue, by code; filter by level and by Đề án 06 essential service (any role)' })
  @ApiOkResponse({ type: [ProcedureDto] })
  @ApiBadRequestResponse({ description: 'An unknown level, or essential other than true/false.' })
  async list(@Query() q: ProceduresQuery) {
    const rows = await listProcedures(this.dataSource, { level: q.level, essential: q.essential === undefined ? undefined : q.essential === 'true' });
    return rows.map((p) => ({ ...p, levelLabel: PROCEDURE_LEVEL_LABELS[p.level] }));
  }
}
