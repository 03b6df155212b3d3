import type { Kafka } from 'kafkajs';
import { withAdmin } from '@tthc/messaging';
import type { Logger } from '@tthc/platform';

/**
 * What a worker learns of its share of a topic after a group join: the partitions it holds and,
 * once read from the brokers, how many the topic has (undefined until then, or when it could not
 * be read). With both it can tell whether it holds every partition, or which keys are its own.
 */
export type PartitionShare = (partitions: number[], partitionCount: number | undefined) => void;

/**
 * An `assigned` callback for `workerSubscription`: tells `share` the partitions at once (count
 * unknown), then again with the topic's partition count, unless a later join came first, so a
 * stale count is never applied to a newer assignment. A count that cannot be read is logged with
 * `ifUnread` (what the worker does without it) and leaves the first call standing.
 */
export function sharePartitions(kafka: Kafka, topic: string, logger: Logger, ifUnread: string, share: PartitionShare): (partitions: number[]) => void {
  let joins = 0;
  return (partitions) => {
    const join = ++joins;
    share(partitions, undefined);
    if (partitions.length === 0) return;
    withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic))
      .then(({ length: count }) => {
        if (join === joins) share(partitions, count);
      })
      .catch((err: unknown) => logger.warn({ err, topic }, `partition count unread after a group join: ${ifUnread}`));
  };
}
