import type { Kafka } from 'kafkajs';
import type { CommonSettings } from '@tthc/config';
import type { BatchSubscription } from '@tthc/messaging';
import type { AppMetrics } from '@tthc/observability';
import type { Logger } from '@tthc/platform';
import { ConsumerLagMonitor } from './consumer-lag.monitor';
import { exitOnFatal } from './exit-on-fatal';

/**
 * A worker's subscription with what every worker shares: a programmer or deployment error exits
 * the process (so the supervisor restarts it), the stuck-partition limits health reports on, and
 * the consumer's metrics — batch size and time (also a debug line per attempt), and its partitions' lag read from the brokers.
 */
export function workerSubscription(
  settings: CommonSettings,
  kafka: Kafka,
  logger: Logger,
  metrics: AppMetrics,
  options: Pick<BatchSubscription, 'groupId' | 'topic' | 'partitionsConsumedConcurrently' | 'maxWaitTimeInMs' | 'readStoredOffsets' | 'commitIntervalMs'> & {
    /** Told the partitions this member holds after every group join (none after leaving). */
    assigned?: (partitions: number[]) => void;
  },
): BatchSubscription {
  const { assigned, ...subscription } = options;
  const lag = new ConsumerLagMonitor(kafka, options.topic, options.groupId, metrics, logger, settings.CONSUMER_LAG_POLL_MS);
  return {
    ...subscription,
    kafka,
    logger,
    metadataMaxAge: settings.KAFKA_METADATA_MAX_AGE_MS,
    maxBytesPerPartition: settings.KAFKA_FETCH_MAX_BYTES_PER_PARTITION,
    onFatal: exitOnFatal(logger),
    stallAfterMs: settings.HEALTH_STALL_AFTER_MS,
    maxFailedAttempts: settings.HEALTH_MAX_FAILED_ATTEMPTS,
    observer: {
      batch: (b) => {
        metrics.observeBatch(b);
        // Each attempt's time, for a freshness breakdown (bench: BENCH_APP_LOG_LEVEL=debug).
        logger.debug({ topic: b.topic, partition: b.partition, records: b.size, ms: Math.round(b.seconds * 1000), ok: b.ok }, 'batch attempt');
      },
      assigned: (partitions) => {
        lag.assigned(partitions);
        assigned?.(partitions);
      },
      started: () => lag.start(),
      stopped: () => lag.stop(),
    },
  };
}
