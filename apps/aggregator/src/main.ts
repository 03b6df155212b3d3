import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { exitOnStartupFailure, useAppLogger } from '@tthc/infrastructure';
import { AggregatorModule } from './aggregator.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AggregatorModule.register({ env: process.env }), { bufferLogs: true });
  useAppLogger(app);
  app.enableShutdownHooks();
}

main().catch(exitOnStartupFailure('aggregator'));
