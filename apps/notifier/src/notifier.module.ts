import { Inject, type DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadSettings } from '@tthc/config';
import type { AlertRule } from '@tthc/domain';
import { type AppModuleOptions, InfrastructureModule, UnitDirectory } from '@tthc/infrastructure';
import { saveAlertRules } from '@tthc/persistence';
import { AlertClockTicker } from './alert-clock.ticker';
import { AlertEvaluationHandler } from './alert-evaluation.handler';
import { AlertRulesError, parseAlertRules, ruleDefinition } from './alert-rules.config';
import { ALERT_RULES } from './alert-rules.token';
import { UnitMetricsController } from './kafka/unit-metrics.controller';
import { NotifierSettings } from './notifier.settings';
import { WebhookDeliveryWorker } from './webhooks/webhook-delivery.worker';

/**
 * At start-up, once the catalogue is loaded: override units must exist (a typo would silently
 * leave a unit on the default target), and the rules in force are recorded for the API.
 */
@Injectable()
class AlertRulesRegistrar implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly units: UnitDirectory,
    @Inject(ALERT_RULES) private readonly rules: AlertRule[],
  ) {}

  async onModuleInit(): Promise<void> {
    await this.units.refresh();
    const unknown = this.rules.flatMap((r, i) =>
      r.overrides.flatMap((o, j) => (this.units.has(o.unitCode) ? [] : [`ALERT_RULES[${i}].overrides[${j}].unitCode: unknown unit ${o.unitCode}`])),
    );
    if (unknown.length > 0) throw new AlertRulesError(unknown);
    await saveAlertRules(this.dataSource, this.rules.map((r) => ({ id: r.id, definition: ruleDefinition(r) })));
  }
}

@Module({})
export class NotifierModule {
  static register({ env, databaseSchema, clock, transport }: AppModuleOptions): DynamicModule {
    const settings = loadSettings(NotifierSettings, env);
    // Validated here, before anything connects: a bad rule stops start-up with the field named.
    const rules = parseAlertRules(settings.ALERT_RULES);
    return {
      module: NotifierModule,
      imports: [InfrastructureModule.forRoot({ appName: 'notifier', settings, databaseSchema, producer: true, clock, transport })],
      controllers: [UnitMetricsController],
      providers: [
        { provide: ALERT_RULES, useValue: rules },
        AlertRulesRegistrar,
        AlertEvaluationHandler,
        AlertClockTicker,
        WebhookDeliveryWorker,
      ],
    };
  }
}
