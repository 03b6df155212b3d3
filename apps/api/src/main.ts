import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { exitOnStartupFailure, useAppLogger } from '@tthc/infrastructure';
import { ApiModule } from './api.module';
import { configureApiApp } from './configure-api-app';

async function main(): Promise<void> {
  const app = await NestFactory.create(ApiModule.register({ env: process.env }), { bufferLogs: true });
  useAppLogger(app);
  configureApiApp(app);
  app.enableShutdownHooks();
  await app.listen(ApiModule.settingsFrom(process.env).API_PORT, '0.0.0.0');
}

main().catch(exitOnStartupFailure('api'));
