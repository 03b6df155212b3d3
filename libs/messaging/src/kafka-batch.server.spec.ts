import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import { createLogger } from '@tthc/platform';
import { KafkaBatchServer, deadLetterPattern } from './kafka-batch.server';

@Controller()
class OnlyBatches {
  @EventPattern('things')
  handle(): void {}
}

@Module({ controllers: [OnlyBatches] })
class OnlyBatchesModule {}

describe('KafkaBatchServer', () => {
  const subscription = {
    // Never reached: the missing handler is found before any consumer connects.
    kafka: {} as Kafka,
    groupId: 'g',
    topic: 't',
    logger: createLogger('spec', 'silent'),
    onFatal: () => undefined,
  };

  it('refuses to start a subscription without its dead-letter handler, naming the pattern', async () => {
    const server = new KafkaBatchServer();
    server.subscribe('things', subscription);
    const app = await NestFactory.createMicroservice(OnlyBatchesModule, { strategy: server, logger: false });
    await expect(app.listen()).rejects.toThrow(`@EventPattern('${deadLetterPattern('things')}')`);
    await app.close();
  });

  it('refuses the same pattern twice', () => {
    const server = new KafkaBatchServer();
    server.subscribe('things', subscription);
    expect(() => server.subscribe('things', subscription)).toThrow('already subscribed');
  });
});
