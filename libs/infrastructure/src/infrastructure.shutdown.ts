import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { PRODUCER, REDIS } from './tokens';

/**
 * Closes what InfrastructureModule opened, once the app's own shutdown hooks have run: the
 * producer first (it may still flush), then Redis and the database pool.
 */
@Injectable()
export class InfrastructureShutdown implements OnApplicationShutdown {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PRODUCER) private readonly producer: Producer | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
