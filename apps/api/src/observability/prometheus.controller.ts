import { Controller, Get, Inject, NotFoundException, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { METRICS, SETTINGS } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import type { ApiSettings } from '../api.settings';
import { Public } from '../auth/public.decorator';

/**
 * `GET /metrics` for Prometheus, outside `/api/v1` and without an API key, like a health check:
 * scrapers do not carry keys. A deployment that must not expose it with the API sets
 * METRICS_PORT, and then it is served there only (MetricsPortServer) and 404 here.
 */
@ApiExcludeController()
@Controller('metrics')
export class PrometheusController {
  constructor(
    @Inject(METRICS) private readonly metrics: AppMetrics,
    @Inject(SETTINGS) private readonly settings: ApiSettings,
  ) {}

  @Get()
  @Public()
  async scrape(@Res() res: ServerResponse): Promise<void> {
    if (this.settings.METRICS_PORT !== undefined) throw new NotFoundException('metrics are served on METRICS_PORT, not here');
    const { contentType, body } = await this.metrics.exposition();
    res.writeHead(200, { 'Content-Type': contentType }).end(body);
  }
}
