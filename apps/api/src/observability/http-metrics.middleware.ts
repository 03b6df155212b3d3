import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { METRICS } from '@tthc/infrastructure';
import type { AppMetrics } from '@tthc/observability';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/**
 * `tthc_http_request_duration_seconds` by method, route and status. The route is the matched
 * route's pattern (`/api/v1/metrics/units/:unitCode`), known once routing is done, so it is read
 * when the response finishes; a request no route matched is `unmatched`. Never the raw path: one
 * series per unit code or per probe of a scanner would grow without bound.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@Inject(METRICS) private readonly metrics: AppMetrics) {}

  use(req: IncomingMessage & { route?: { path?: unknown } }, res: ServerResponse, next: () => void): void {
    const started = performance.now();
    res.once('finish', () => {
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      const method = req.method && METHODS.has(req.method) ? req.method : 'OTHER';
      this.metrics.httpRequestDuration.observe({ method, route, status: String(res.statusCode) }, (performance.now() - started) / 1000);
    });
    next();
  }
}
