import { Partitioners } from 'kafkajs';

// The partitioner every producer of the pipeline is created with (createKafka's producer).
const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition of a topic with `partitionCount` partitions that the pipeline's producers put a
 * record keyed `key` in (kafkajs' DefaultPartitioner: the Java client's murmur2 of the key,
 * modulo the partition count). A consumer can tell from it which keys its assignment covers.
 */
export function partitionOfKey(key: string, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) throw new RangeError(`partitionCount must be a positive integer, got ${partitionCount}`);
  const partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  return partitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
}
