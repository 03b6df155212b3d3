import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { LOGGER, REDIS } from '@tthc/infrastructure';
import type { Logger } from '@tthc/platform';
import { Public } from '../auth/public.decorator';

/**
 * Readiness (`/health`): PostgreSQL and Redis answer; 503 with the failing one named otherwise —
 * named only: the answer is public, so the driver's error text (hosts, users, versions) goes to
 * the log. Liveness (`/health/live`): the process answers at all — an orchestrator restarting
 * the api because PostgreSQL is down would only add restarts to the outage.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private async ping(key: string, probe: () => Promise<unknown>) {
    const indicator = this.indicators.check(key);
    try {
      await probe();
      return indicator.up();
    } catch (err) {
      this.logger.warn({ err, dependency: key }, 'health check failed');
      return indicator.down({ message: 'not reachable' });
    }
  }

  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check([() => this.ping('postgres', () => this.dataSource.query('SELECT 1')), () => this.ping('redis', () => this.redis.ping())]);
  }

  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }
}
