import { type DynamicModule, Module } from '@nestjs/common';
import { loadSettings } from '@tthc/config';
import { type AppModuleOptions, InfrastructureModule } from '@tthc/infrastructure';
import { AlertClockTicker } from './alert-clock.ticker';
import { AlertEvaluationPipeline } from './alert-evaluation.pipeline';
import { parseAlertRules } from './alert-rules.config';
import { AlertRulesRegistrar } from './alert-rules.registrar';
import { ALERT_RULES } from './alert-rules.token';
import { AlertGroupNotifier } from './evaluation/alert-group.notifier';
import { AlertLogRecorder } from './evaluation/alert-log.recorder';
import { AlertOutboxPublisher } from './evaluation/alert-outbox.publisher';
import { UnitFiguresReader } from './evaluation/unit-figures.reader';
import { UnitMetricsController } from './kafka/unit-metrics.controller';
import { NotifierSettings } from './notifier.settings';
import { WebhookDeliveryWorker } from './webhooks/webhook-delivery.worker';

@Module({})
export class NotifierModule {
  static register(this: void, { env, databaseSchema, clock, transport, logDestination }: AppModuleOptions): DynamicModule {
    const settings = loadSettings(NotifierSettings, env);
    // Validated here, before anything connects: a bad rule stops start-up with the field named.
    const rules = parseAlertRules(settings.ALERT_RULES);
    return {
      module: NotifierModule,
      imports: [InfrastructureModule.forRoot({ appName: 'notifier', settings, databaseSchema, producer: true, clock, transport, logDestination })],
      controllers: [UnitMetricsController],
      providers: [
        { provide: ALERT_RULES, useValue: rules },
        AlertRulesRegistrar,
        UnitFiguresReader,
        AlertLogRecorder,
        AlertOutboxPublisher,
        AlertEvaluationPipeline,
        AlertClockTicker,
        AlertGroupNotifier,
        WebhookDeliveryWorker,
      ],
    };
  }
}
