import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import type { CommonSettings } from '@tthc/config';
import type { ConsumerHealth, KafkaBatchServer } from '@tthc/messaging';
import type { AppMetrics } from '@tthc/observability';
import type { Logger } from '@tthc/platform';
import { BATCH_SERVER, LOGGER, METRICS, REDIS, SETTINGS } from './tokens';

export type Probe = { ok: true } | { ok: false; error: string };

export interface WorkerHealthReport {
  status: 'ok' | 'unavailable';
  postgres: Probe;
  redis: Probe;
  consumers: (ConsumerHealth & { ok: boolean })[];
}

/**
 * A worker is healthy when it reaches PostgreSQL and Redis and every consumer is in its group,
 * has not crashed, and has no stuck partition (lag without progress for HEALTH_STALL_AFTER_MS, or
 * HEALTH_MAX_FAILED_ATTEMPTS failures in a row): then the report names the partition and its
 * last error, so a supervisor restarts the worker and an operator sees why.
 */
export function workerHealthReport(postgres: Probe, redis: Probe, consumers: ConsumerHealth[]): WorkerHealthReport {
  const judged = consumers.map((c) => ({ ...c, ok: c.joined && !c.crashed && !c.partitions.some((p) => p.stuck) }));
  const ok = postgres.ok && redis.ok && judged.every((c) => c.ok);
  return { status: ok ? 'ok' : 'unavailable', postgres, redis, consumers: judged };
}

const PROBE_TIMEOUT_MS = 2_000;

/**
 * Up or down, and why only in the log: the health port answers anyone who can reach it, and a
 * driver's message names hosts, users and versions (issue 10).
 */
async function probe(dependency: string, check: () => Promise<unknown>, logger: Logger): Promise<Probe> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    logger.warn({ err: error, dependency }, 'health check failed');
    return { ok: false, error: 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));

/**
 * The worker apps' HTTP endpoints (they have no HTTP framework of their own), started only when
 * HEALTH_PORT is set, reporting on the consumers of the app's batch transport:
 * - `GET /health`: readiness, 200 with the report when healthy, 503 otherwise;
 * - `GET /health/live`: liveness, 200 whenever the process answers at all — an orchestrator that
 *   restarted a worker because PostgreSQL is down would only add restarts to the outage;
 * - `GET /metrics`: the app's Prometheus metrics (issue 13).
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(
    @Inject(BATCH_SERVER) private readonly transport: KafkaBatchServer | null,
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SETTINGS) private readonly settings: CommonSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: AppMetrics,
  ) {}

  async report(): Promise<WorkerHealthReport> {
    const [postgres, redis] = await Promise.all([probe('postgresql', () => this.dataSource.query('SELECT 1'), this.logger), probe('redis', () => this.redis.ping(), this.logger)]);
    return workerHealthReport(postgres, redis, this.transport?.health() ?? []);
  }

  /** The port it listens on (HEALTH_PORT, or the one picked for 0), or undefined when off. */
  port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.HEALTH_PORT === undefined) return;
    const server = createServer((req, res) => {
      const path = req.method === 'GET' ? req.url?.split('?')[0] : undefined;
      if (path === '/health') {
        this.report().then(
          (r) => json(res, r.status === 'ok' ? 200 : 503, r),
          (error) => json(res, 503, { status: 'unavailable', error: String(error) }),
        );
      } else if (path === '/health/live') {
        json(res, 200, { status: 'ok' });
      } else if (path === '/metrics') {
        this.metrics.exposition().then(
          (m) => res.writeHead(200, { 'Content-Type': m.contentType }).end(m.body),
          (error) => json(res, 500, { statusCode: 500, message: `metrics could not be collected: ${String(error)}` }),
        );
      } else {
        json(res, 404, { statusCode: 404, message: 'only GET /health, /health/live and /metrics here' });
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.settings.HEALTH_PORT, this.settings.HEALTH_HOST, () => resolve());
    });
    this.server = server;
    this.logger.info({ port: this.port(), host: this.settings.HEALTH_HOST }, 'health and metrics endpoints listening on /health, /health/live, /metrics');
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
