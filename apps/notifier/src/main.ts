import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NotifierModule } from './notifier.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(NotifierModule.register({ env: process.env }), { bufferLogs: true });
  app.enableShutdownHooks();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
