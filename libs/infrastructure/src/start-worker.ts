import type { DynamicModule, INestMicroservice, LogLevel } from '@nestjs/common';
import type { CommonSettings } from '@tthc/config';
import type { Logger } from '@tthc/platform';
import { NestFactory } from '@nestjs/core';
import { KafkaBatchServer } from '@tthc/messaging';
import { useAppLogger } from './app-logger';
import { stopOnSignals } from './stop-on-signals';
import { type AppModuleOptions, LOGGER, SETTINGS } from './tokens';

/**
 * Boots a worker app (ingest, aggregator, notifier) as a Nest microservice on the Kafka batch
 * transport and starts consuming: the same path for `main.ts` and the in-process test harness.
 */
export async function startWorker(
  register: (options: AppModuleOptions) => DynamicModule,
  options: AppModuleOptions,
  /** `shutdownHooks`: stop on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS and exit the process (main.ts; see stopOnSignals). */
  nest: { logger?: LogLevel[] | false; shutdownHooks?: boolean } = {},
): Promise<INestMicroservice> {
  const transport = new KafkaBatchServer();
  const app = await NestFactory.createMicroservice(register({ ...options, transport }), {
    strategy: transport,
    bufferLogs: nest.logger === undefined,
    ...(nest.logger !== undefined ? { logger: nest.logger } : {}),
  });
  // Nest's own lines through the app's JSON logger, unless the caller chose Nest's (tests).
  if (nest.logger === undefined) useAppLogger(app);
  if (nest.shutdownHooks) stopOnSignals(app, app.get<Logger>(LOGGER), app.get<CommonSettings>(SETTINGS).SHUTDOWN_TIMEOUT_MS);
  await app.listen();
  return app;
}
