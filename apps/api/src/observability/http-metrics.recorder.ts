import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { METRICS } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/**
 * `tthc_http_request_duration_seconds` by method, route and status, for every request the HTTP
 * server receives: API routes, pages, `/metrics`, and requests no route matched (401s from the
 * guard and 404s included, which a Nest interceptor would not see). It listens on the server's
 * `request` event rather than being a Nest middleware, because middleware sits under the
 * `/api/v1` prefix. The route is the matched route's pattern (`/api/v1/metrics/units/:unitCode`),
 * known once routing is done, so it is read when the response finishes; a request no route
 * matched is `unmatched`. Never the raw path: one series per unit code, or per path a scanner
 * tries, would grow without bound.
 */
@Injectable()
export class HttpMetricsRecorder implements OnApplicationBootstrap {
  constructor(
    @Inject(METRICS) private readonly metrics: AppMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as { on?: (event: 'request', listener: (req: IncomingMessage, res: ServerResponse) => void) => void } | undefined;
    server?.on?.('request', (req, res) => this.time(req, res));
  }

  private time(req: IncomingMessage & { route?: { path?: unknown } }, res: ServerResponse): void {
    const started = performance.now();
    res.once('finish', () => {
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      const method = req.method && METHODS.has(req.method) ? req.method : 'OTHER';
      this.metrics.httpRequestDuration.observe({ method, route, status: String(res.statusCode) }, (performance.now() - started) / 1000);
    });
  }
}
