import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { NaiveModule } from './naive.module';

/** The naive baseline as its own process: a Nest Kafka microservice (eachMessage under the hood). */
async function main(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(NaiveModule, {
    logger: ['error', 'warn'],
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'bench-naive', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',') },
      consumer: { groupId: process.env.NAIVE_GROUP_ID ?? 'bench-naive' },
      subscribe: { fromBeginning: true },
    },
  });
  app.enableShutdownHooks();
  await app.listen();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
