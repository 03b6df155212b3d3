import { Inject, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { CommonSettings } from '@tthc/config';
import { BatchConsumer, type BatchConsumerOptions, type ConsumerHealth } from '@tthc/messaging';
import type { AppMetrics } from '@tthc/observability';
import { ConsumerLagMonitor } from './consumer-lag.monitor';
import { exitOnFatal } from './exit-on-fatal';
import { METRICS, SETTINGS } from './tokens';

/**
 * A BatchConsumer owned by the Nest lifecycle: started once the app is wired, stopped (after
 * its in-flight batch) on shutdown, and exiting the process on a programmer error. Each app's
 * Kafka adapter extends this and only says which topic, which group and which handler.
 * Its batches and its partitions' lag are measured into the app's metrics.
 */
export abstract class ManagedBatchConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: BatchConsumer;
  private lag?: ConsumerLagMonitor;
  // Property injection, so the adapters' constructors keep saying only topic, group and handler.
  @Inject(METRICS) private readonly metrics?: AppMetrics;
  @Inject(SETTINGS) private readonly commonSettings?: CommonSettings;

  protected constructor(private readonly options: Omit<BatchConsumerOptions, 'onFatal' | 'observer'>) {
    this.consumer = new BatchConsumer({
      ...options,
      onFatal: exitOnFatal(options.logger),
      observer: {
        batch: (b) => this.metrics?.observeBatch(b),
        assigned: (partitions) => this.lag?.assigned(partitions),
      },
    });
  }

  health(): ConsumerHealth {
    return this.consumer.health();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.metrics && this.commonSettings) {
      const o = this.options;
      this.lag = new ConsumerLagMonitor(o.kafka, o.topic, o.groupId, this.metrics, o.logger, this.commonSettings.CONSUMER_LAG_POLL_MS);
      this.lag.start();
    }
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.lag?.stop();
  }
}
