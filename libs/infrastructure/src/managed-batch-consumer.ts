import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { CommonSettings } from '@tthc/config';
import { BatchConsumer, type BatchConsumerOptions, type ConsumerHealth } from '@tthc/messaging';
import { exitOnFatal } from './exit-on-fatal';

/**
 * A BatchConsumer owned by the Nest lifecycle: started once the app is wired, stopped (after
 * its in-flight batch) on shutdown, and exiting the process on a programmer error. Each app's
 * Kafka adapter extends this and only says which topic, which group and which handler.
 */
export abstract class ManagedBatchConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: BatchConsumer;

  protected constructor(options: Omit<BatchConsumerOptions, 'onFatal' | 'stallAfterMs' | 'maxFailedAttempts'>, settings: CommonSettings) {
    this.consumer = new BatchConsumer({
      ...options,
      onFatal: exitOnFatal(options.logger),
      stallAfterMs: settings.HEALTH_STALL_AFTER_MS,
      maxFailedAttempts: settings.HEALTH_MAX_FAILED_ATTEMPTS,
    });
  }

  health(): ConsumerHealth {
    return this.consumer.health();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
