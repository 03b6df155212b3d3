import type { Admin, ITopicConfig } from 'kafkajs';

export interface TopicNames {
  events: string;
  validated: string;
  dlq: string;
  unitMetrics: string;
  alerts: string;
}

/**
 * The pipeline's topics. Input is keyed by dossierId and the validated stream by unitCode, so
 * every event of a unit reaches the same aggregator instance in order; the unit metrics topic is
 * compacted (key = unitCode), so a new consumer reads the latest figures of every unit.
 */
export function topicSpecs(names: TopicNames, partitions: number): ITopicConfig[] {
  return [
    { topic: names.events, numPartitions: partitions },
    { topic: names.validated, numPartitions: partitions },
    { topic: names.dlq, numPartitions: Math.min(partitions, 3) },
    {
      topic: names.unitMetrics,
      numPartitions: partitions,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'min.cleanable.dirty.ratio', value: '0.1' },
        { name: 'segment.ms', value: String(60 * 60 * 1000) },
      ],
    },
    { topic: names.alerts, numPartitions: Math.min(partitions, 3) },
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
