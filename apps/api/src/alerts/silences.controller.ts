import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { Actor } from '../auth/auth.metadata';
import { Roles } from '../auth/roles';
import { CreateSilenceBody, SilencesQuery } from './alerts.dto';
import { AlertsService } from './alerts.service';

/** /api/v1/alerts/silences: a unit, a rule, or both muted until a time, with a reason. */
@Controller('alerts/silences')
export class SilencesController {
  constructor(private readonly alerts: AlertsService) {}

  @Post()
  @Roles('operator')
  create(@Body() body: CreateSilenceBody, @Actor() actor: string) {
    return this.alerts.createSilence(body, actor);
  }

  @Get()
  @Roles('operator', 'ioc', 'auditor')
  list(@Query() q: SilencesQuery) {
    return this.alerts.listSilences(q);
  }

  /** Ends a silence early; the record stays, with the key that ended it and when. */
  @Post(':id/expire')
  @HttpCode(200)
  @Roles('operator')
  expire(@Param('id', new ParseUUIDPipe()) id: string, @Actor() actor: string) {
    return this.alerts.expireSilence(id, actor);
  }
}
