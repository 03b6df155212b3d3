import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import type { CommonSettings } from '@tthc/config';
import { createKafka } from '@tthc/messaging';
import { dataSourceOptions } from '@tthc/persistence';
import { createLogger, type Logger } from '@tthc/platform';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { UnitDirectory } from './unit-directory';
import { WorkerHealthServer } from './worker-health';
import { CLOCK, type Clock, KAFKA, LOGGER, PRODUCER, REDIS, SETTINGS, systemClock } from './tokens';

export interface InfrastructureOptions {
  appName: string;
  settings: CommonSettings;
  /** PostgreSQL schema (tests isolate themselves in one); the default search_path otherwise. */
  databaseSchema?: string;
  poolSize?: number;
  /** Connect a producer at start-up (apps that write to Kafka). */
  producer?: boolean;
  clock?: Clock;
}

@Injectable()
class InfrastructureShutdown implements OnApplicationShutdown {
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

/**
 * What every app needs from the outside world, built once from validated settings: the logger,
 * a PostgreSQL DataSource, a kafkajs client, a Redis connection and the unit catalogue. Global, so app modules ask
 * for what they use by token without re-importing it.
 */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(options: InfrastructureOptions): DynamicModule {
    const { settings } = options;
    return {
      module: InfrastructureModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: LOGGER, useFactory: () => createLogger(options.appName, settings.LOG_LEVEL) },
        {
          provide: DataSource,
          useFactory: async () =>
            new DataSource(
              dataSourceOptions(settings.DATABASE_URL, {
                schema: options.databaseSchema,
                poolSize: options.poolSize,
                appName: `tthc-${options.appName}`,
                timeouts: {
                  statementTimeoutMs: settings.DB_STATEMENT_TIMEOUT_MS,
                  lockTimeoutMs: settings.DB_LOCK_TIMEOUT_MS,
                  connectTimeoutMs: settings.DB_CONNECT_TIMEOUT_MS,
                },
              }),
            ).initialize(),
        },
        {
          provide: KAFKA,
          inject: [LOGGER],
          useFactory: (logger: Logger) => createKafka(settings.KAFKA_BROKERS, `${settings.KAFKA_CLIENT_ID}-${options.appName}`, logger),
        },
        {
          provide: REDIS,
          useFactory: () => new Redis(settings.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 3, enableAutoPipelining: true }),
        },
        {
          provide: PRODUCER,
          inject: [KAFKA],
          useFactory: async (kafka: Kafka) => {
            if (!options.producer) return null;
            // Not kafkajs' (experimental) idempotent mode: every consumer of our topics is an
            // idempotent receiver, so a send retried after a lost ack is harmless.
            // The Java-compatible murmur2 partitioner keeps key → partition the same as Java producers.
            const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
            await producer.connect();
            return producer;
          },
        },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        InfrastructureShutdown,
        UnitDirectory,
        WorkerHealthServer,
      ],
      exports: [SETTINGS, LOGGER, DataSource, KAFKA, REDIS, PRODUCER, CLOCK, UnitDirectory, WorkerHealthServer],
    };
  }
}
