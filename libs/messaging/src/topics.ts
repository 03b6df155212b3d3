import type { Admin, ITopicConfig } from 'kafkajs';

export interface TopicNames {
  events: string;
  validated: string;
  dlq: string;
  unitMetrics: string;
  alerts: string;
}

export interface TopicLayout {
  partitions: number;
  /** Copies of each partition (TOPIC_REPLICATION_FACTOR). */
  replicationFactor: number;
  /** Copies that must have a record before an acks=all produce is acknowledged (TOPIC_MIN_INSYNC_REPLICAS). */
  minInsyncReplicas: number;
}

/**
 * The pipeline's topics. Input is keyed by dossierId and the validated stream by unitCode, so
 * every event of a unit reaches the same aggregator instance in order; the unit metrics topic is
 * compacted (key = unitCode), so a new consumer reads the latest figures of every unit. Every
 * topic gets the same replication and `min.insync.replicas`: with acks=all producers, a record is
 * acknowledged only once that many brokers have it (issue 11).
 */
export function topicSpecs(names: TopicNames, layout: TopicLayout): ITopicConfig[] {
  const { partitions, replicationFactor } = layout;
  const durable = [{ name: 'min.insync.replicas', value: String(layout.minInsyncReplicas) }];
  return [
    { topic: names.events, numPartitions: partitions, replicationFactor, configEntries: durable },
    { topic: names.validated, numPartitions: partitions, replicationFactor, configEntries: durable },
    { topic: names.dlq, numPartitions: Math.min(partitions, 3), replicationFactor, configEntries: durable },
    {
      topic: names.unitMetrics,
      numPartitions: partitions,
      replicationFactor,
      configEntries: [...durable, { name: 'cleanup.policy', value: 'compact' }, { name: 'min.cleanable.dirty.ratio', value: '0.1' }, { name: 'segment.ms', value: String(60 * 60 * 1000) }],
    },
    { topic: names.alerts, numPartitions: Math.min(partitions, 3), replicationFactor, configEntries: durable },
  ];
}

/** Creates whatever topics are missing; leaves existing ones alone. Idempotent. */
export async function ensureTopics(admin: Admin, specs: ITopicConfig[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length > 0) {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  }
  return missing.map((s) => s.topic);
}
