import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { loadSettings } from '@tthc/config';
import { type AppModuleOptions, InfrastructureModule } from '@tthc/infrastructure';
import { AlertsApiModule } from './alerts/alerts-api.module';
import { ApiSettings } from './api.settings';
import { ApiKeyThrottlerGuard } from './auth/api-key-throttler.guard';
import { ApiKeyGuard } from './auth/api-key.guard';
import { DashboardController } from './dashboard/dashboard.controller';
import { ExportsController } from './exports/exports.controller';
import { HealthController } from './health/health.controller';
import { LiveMetricsService } from './metrics/live-metrics.service';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { ObservabilityModule } from './observability/observability.module';
import { UnitsController } from './units/units.controller';

@Module({})
export class ApiModule {
  static settingsFrom(env: AppModuleOptions['env']): ApiSettings {
    return loadSettings(ApiSettings, env);
  }

  static register({ env, databaseSchema, clock }: AppModuleOptions): DynamicModule {
    const settings = ApiModule.settingsFrom(env);
    const infrastructure = InfrastructureModule.forRoot({ appName: 'api', settings, databaseSchema, clock });
    return {
      module: ApiModule,
      imports: [
        infrastructure,
        TerminusModule,
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'per-key', ttl: settings.RATE_LIMIT_WINDOW_SECONDS * 1000, limit: settings.RATE_LIMIT_MAX }],
          errorMessage: `too many requests for this API key: at most ${settings.RATE_LIMIT_MAX} per ${settings.RATE_LIMIT_WINDOW_SECONDS} s; retry later`,
        }),
        AlertsApiModule,
        ObservabilityModule,
      ],
      controllers: [UnitsController, MetricsController, ExportsController, HealthController, DashboardController],
      providers: [
        MetricsService,
        LiveMetricsService,
        // Guards run in this order: a request is authenticated before it is counted against its key.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: ApiKeyThrottlerGuard },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
        },
      ],
    };
  }
}
