import { Module } from '@nestjs/common';
import { IndicatorsService } from '../metrics/indicators.service';
import { MetricsService } from '../metrics/metrics.service';
import { HttpMetricsRecorder } from './http-metrics.recorder';
import { MetricsPortServer } from './metrics-port.server';
import { PrometheusController } from './prometheus.controller';
import { UnitRateGaugesRegistrar } from './unit-rate-gauges.registrar';

/** The api's side of issue 13: `/metrics`, HTTP latency per route, the per-unit rate gauges. */
@Module({
  controllers: [PrometheusController],
  providers: [MetricsService, IndicatorsService, HttpMetricsRecorder, MetricsPortServer, UnitRateGaugesRegistrar],
})
export class ObservabilityModule {}
