import { topicSpecs } from './topics';

describe('topicSpecs', () => {
  const names = { events: 'e', validated: 'v', dlq: 'd', unitMetrics: 'm', alerts: 'a' };

  it('gives every topic the replication factor and min.insync.replicas it is asked for', () => {
    const specs = topicSpecs(names, { partitions: 12, replicationFactor: 3, minInsyncReplicas: 2 });
    expect(specs.map((s) => [s.topic, s.numPartitions, s.replicationFactor])).toEqual([
      ['e', 12, 3],
      ['v', 12, 3],
      ['d', 3, 3],
      ['m', 12, 3],
      ['a', 3, 3],
    ]);
    for (const s of specs) expect(s.configEntries).toContainEqual({ name: 'min.insync.replicas', value: '2' });
  });

  it('keeps the metrics topic compacted beside its durability', () => {
    const metrics = topicSpecs(names, { partitions: 1, replicationFactor: 1, minInsyncReplicas: 1 }).find((s) => s.topic === 'm')!;
    expect(metrics.configEntries).toEqual(
      expect.arrayContaining([
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'min.insync.replicas', value: '1' },
      ]),
    );
  });
});
