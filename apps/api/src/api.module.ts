import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { loadSettings } from '@tthc/config';
import { type AppModuleOptions, InfrastructureModule, REDIS } from '@tthc/infrastructure';
import { AlertsApiModule } from './alerts/alerts-api.module';
import { ApiSettings } from './api.settings';
import { ApiKeyThrottlerGuard } from './auth/api-key-throttler.guard';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AuthFailureLimiter } from './auth/auth-failure.limiter';
import { RedisThrottlerStorage } from './auth/redis-throttler.storage';
import { DashboardController } from './dashboard/dashboard.controller';
import { DatabaseBusyFilter } from './database-busy.filter';
import { ExportsController } from './exports/exports.controller';
import { ExportsService } from './exports/exports.service';
import { HealthController } from './health/health.controller';
import { IndicatorsService } from './metrics/indicators.service';
import { LiveMetricsService } from './metrics/live-metrics.service';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { ReportRangeResolver } from './metrics/report-range.resolver';
import { ObservabilityModule } from './observability/observability.module';
import { ProceduresController } from './procedures/procedures.controller';
import { UnitsController } from './units/units.controller';

@Module({})
export class ApiModule {
  static settingsFrom(env: AppModuleOptions['env']): ApiSettings {
    return loadSettings(ApiSettings, env);
  }

  static register(this: void, { env, databaseSchema, clock }: AppModuleOptions): DynamicModule {
    const settings = ApiModule.settingsFrom(env);
    const infrastructure = InfrastructureModule.forRoot({ appName: 'api', settings, databaseSchema, clock });
    return {
      module: ApiModule,
      imports: [
        infrastructure,
        TerminusModule,
        // Counts in Redis (the app's connection), so every api replica shares them. The throttler
        // is named `default` so its header is the standard Retry-After.
        ThrottlerModule.forRootAsync({
          inject: [REDIS],
          useFactory: (redis: Redis) => ({
            throttlers: [{ name: 'default', ttl: settings.RATE_LIMIT_WINDOW_SECONDS * 1000, limit: settings.RATE_LIMIT_MAX }],
            storage: new RedisThrottlerStorage(redis),
            // One budget per key across all routes (the library's default key is per route).
            generateKey: (_context, tracker, name) => `${settings.REDIS_KEY_PREFIX}:requests:${name}:${tracker}`,
            errorMessage: `too many requests for this API key: at most ${settings.RATE_LIMIT_MAX} per ${settings.RATE_LIMIT_WINDOW_SECONDS} s; retry later`,
          }),
        }),
        AlertsApiModule,
        ObservabilityModule,
      ],
      controllers: [UnitsController, ProceduresController, MetricsController, ExportsController, HealthController, DashboardController],
      providers: [
        MetricsService,
        IndicatorsService,
        LiveMetricsService,
        ReportRangeResolver,
        ExportsService,
        AuthFailureLimiter,
        // Guards run in this order: a request is authenticated (wrong keys counted per address)
        // before it is counted against its key.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: ApiKeyThrottlerGuard },
        { provide: APP_FILTER, useClass: DatabaseBusyFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
        },
      ],
    };
  }
}
