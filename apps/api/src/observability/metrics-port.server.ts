import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, METRICS, SETTINGS } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';
import type { Logger } from '@tthc/platform';
import type { ApiSettings } from '../api.settings';

/** `GET /metrics` on its own port when METRICS_PORT is set (same host as HEALTH_HOST). */
@Injectable()
export class MetricsPortServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(
    @Inject(METRICS) private readonly metrics: AppMetrics,
    @Inject(SETTINGS) private readonly settings: ApiSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The port it listens on, or undefined when METRICS_PORT is unset. */
  port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.METRICS_PORT === undefined) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ statusCode: 404, message: 'only GET /metrics here' }));
        return;
      }
      this.metrics.exposition().then(
        (m) => res.writeHead(200, { 'Content-Type': m.contentType }).end(m.body),
        (error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics could not be collected: ${String(error)}`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.settings.METRICS_PORT, this.settings.HEALTH_HOST, () => resolve());
    });
    this.server = server;
    this.logger.info({ port: this.port(), host: this.settings.HEALTH_HOST }, 'metrics endpoint listening on /metrics');
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
