import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsPortServer } from './metrics-port.server';
import { PrometheusController } from './prometheus.controller';
import { UnitRateGaugesRegistrar } from './unit-rate-gauges.registrar';

/** The api's side of issue 13: `/metrics`, HTTP latency per route, the per-unit rate gauges. */
@Module({
  controllers: [PrometheusController],
  providers: [MetricsService, HttpMetricsMiddleware, MetricsPortServer, UnitRateGaugesRegistrar],
})
export class ObservabilityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
