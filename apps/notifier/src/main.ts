import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { exitOnStartupFailure, useAppLogger } from '@tthc/infrastructure';
import { NotifierModule } from './notifier.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(NotifierModule.register({ env: process.env }), { bufferLogs: true });
  useAppLogger(app);
  app.enableShutdownHooks();
}

main().catch(exitOnStartupFailure('notifier'));
