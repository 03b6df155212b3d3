import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { Roles } from '../auth/roles';
import { CreateSilenceBody, ExpireSilenceBody, SilencesQuery } from './alerts.dto';
import { AlertsService } from './alerts.service';

/** /api/v1/alerts/silences: a unit, a rule, or both muted until a time, with a reason. */
@Controller('alerts/silences')
export class SilencesController {
  constructor(private readonly alerts: AlertsService) {}

  @Post()
  @Roles('operator')
  create(@Body() body: CreateSilenceBody) {
    return this.alerts.createSilence(body);
  }

  @Get()
  @Roles('operator', 'ioc', 'auditor')
  list(@Query() q: SilencesQuery) {
    return this.alerts.listSilences(q);
  }

  /** Ends a silence early; the record stays, with who ended it and when. */
  @Post(':id/expire')
  @HttpCode(200)
  @Roles('operator')
  expire(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ExpireSilenceBody) {
    return this.alerts.expireSilence(id, body.by);
  }
}
