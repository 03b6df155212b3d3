import type { Kafka } from 'kafkajs';
import type { CommonSettings } from '@tthc/config';
import type { BatchSubscription } from '@tthc/messaging';
import type { Logger } from '@tthc/platform';
import { exitOnFatal } from './exit-on-fatal';

/**
 * A worker's subscription with what every worker shares: a programmer or deployment error exits
 * the process (so the supervisor restarts it), and the stuck-partition limits health reports on.
 */
export function workerSubscription(
  settings: CommonSettings,
  kafka: Kafka,
  logger: Logger,
  options: Pick<BatchSubscription, 'groupId' | 'topic' | 'partitionsConsumedConcurrently' | 'maxWaitTimeInMs' | 'readStoredOffsets'>,
): BatchSubscription {
  return {
    ...options,
    kafka,
    logger,
    onFatal: exitOnFatal(logger),
    stallAfterMs: settings.HEALTH_STALL_AFTER_MS,
    maxFailedAttempts: settings.HEALTH_MAX_FAILED_ATTEMPTS,
  };
}
