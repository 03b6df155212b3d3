import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '@tthc/infrastructure';
import { Public } from '../auth/public.decorator';

/**
 * Readiness (`/health`): PostgreSQL and Redis answer; 503 with the failing one named otherwise.
 * Liveness (`/health/live`): the process answers at all — an orchestrator restarting the api
 * because PostgreSQL is down would only add restarts to the outage.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  private async ping(key: string, probe: () => Promise<unknown>) {
    const indicator = this.indicators.check(key);
    try {
      await probe();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }

  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.ping('postgres', () => this.dataSource.query('SELECT 1')),
      () => this.ping('redis', () => this.redis.ping()),
    ]);
  }

  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }
}
