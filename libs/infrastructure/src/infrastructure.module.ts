import { type DynamicModule, Global, Module } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import type { CommonSettings } from '@tthc/config';
import { type KafkaBatchServer, createKafka, createProducer } from '@tthc/messaging';
import { dataSourceOptions } from '@tthc/persistence';
import { AppMetrics, type AppName } from '@tthc/observability';
import { createLogger, type DestinationStream, type Logger } from '@tthc/platform';
import type { Kafka } from 'kafkajs';
import { appLoggerModule } from './app-logger';
import { DbTransactionTimer } from './db-transaction.timer';
import { DeadLetterWriter } from './dead-letter.writer';
import { InfrastructureShutdown } from './infrastructure.shutdown';
import { UnitDirectory } from './unit-directory';
import { hostAndPort, waitForDependency } from './wait-for-dependency';
import { WorkerHealthServer } from './worker-health';
import { BATCH_SERVER, CLOCK, type Clock, KAFKA, LOGGER, METRICS, PRODUCER, REDIS, SETTINGS, systemClock } from './tokens';

export interface InfrastructureOptions {
  appName: AppName;
  settings: CommonSettings;
  /** PostgreSQL schema (tests isolate themselves in one); DATABASE_SCHEMA, or the default search_path, otherwise. */
  databaseSchema?: string;
  poolSize?: number;
  /** A worker's batch transport, provided as BATCH_SERVER. */
  transport?: KafkaBatchServer;
  /** Connect a producer at start-up (apps that write to Kafka). */
  producer?: boolean;
  clock?: Clock;
  /** Where the JSON log lines go; stdout otherwise (tests read the lines from a stream). */
  logDestination?: DestinationStream;
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
    const logger = createLogger(options.appName, settings.LOG_LEVEL, options.logDestination);
    return {
      module: InfrastructureModule,
      imports: [appLoggerModule(logger)],
      providers: [
        { provide: SETTINGS, useValue: settings },
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useFactory: () => new AppMetrics(options.appName) },
        {
          provide: DataSource,
          inject: [METRICS],
          useFactory: async (metrics: AppMetrics) => {
            const connect = () =>
              new DataSource(
                dataSourceOptions(settings.DATABASE_URL, {
                  schema: options.databaseSchema ?? settings.DATABASE_SCHEMA,
                  poolSize: options.poolSize,
                  appName: `tthc-${options.appName}`,
                  timeouts: {
                    statementTimeoutMs: settings.DB_STATEMENT_TIMEOUT_MS,
                    lockTimeoutMs: settings.DB_LOCK_TIMEOUT_MS,
                    connectTimeoutMs: settings.DB_CONNECT_TIMEOUT_MS,
                  },
                }),
              ).initialize();
            const dataSource = await waitForDependency(connect, {
              what: 'PostgreSQL',
              where: hostAndPort(settings.DATABASE_URL, 5432),
              timeoutMs: settings.STARTUP_TIMEOUT_MS,
              logger,
            });
            dataSource.subscribers.push(new DbTransactionTimer(metrics));
            return dataSource;
          },
        },
        {
          provide: KAFKA,
          inject: [LOGGER],
          useFactory: (logger: Logger) => createKafka(settings.KAFKA_BROKERS, `${settings.KAFKA_CLIENT_ID}-${options.appName}`, logger, settings),
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
            // kafkajs' own connect retries for about a minute, silently; a one-shot admin
            // connection per attempt makes the wait visible, one line per try.
            await waitForDependency(() => probeKafka(kafka), { what: 'Kafka', where: settings.KAFKA_BROKERS, timeoutMs: settings.STARTUP_TIMEOUT_MS, logger });
            // Idempotent (createProducer): the consumers of our topics are idempotent receivers
            // too, but a retried send then neither duplicates nor reorders a partition's records.
            const producer = createProducer(kafka, settings.KAFKA_METADATA_MAX_AGE_MS);
            await producer.connect();
            return producer;
          },
        },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: BATCH_SERVER, useValue: options.transport ?? null },
        InfrastructureShutdown,
        UnitDirectory,
        WorkerHealthServer,
        DeadLetterWriter,
      ],
      exports: [SETTINGS, LOGGER, METRICS, DataSource, KAFKA, REDIS, PRODUCER, CLOCK, BATCH_SERVER, UnitDirectory, WorkerHealthServer, DeadLetterWriter],
    };
  }
}

/** Connects to a seed broker and reads the cluster's metadata once, without kafkajs' retries. */
async function probeKafka(kafka: Kafka): Promise<void> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  await admin.disconnect();
}
