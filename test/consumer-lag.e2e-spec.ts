import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { ConsumerLagMonitor } from '@tthc/infrastructure';
import { createKafka } from '@tthc/messaging';
import { AppMetrics } from '@tthc/observability';
import { createLogger } from '@tthc/platform';

/** `tthc_consumer_lag` read from a real broker: log end against the group's committed offset, per owned partition. */
describe('ConsumerLagMonitor (real Kafka)', () => {
  const id = randomBytes(4).toString('hex');
  const topic = `e2e.${id}.lag`;
  const group = `e2e-${id}-lag`;
  const logger = createLogger('e2e', 'silent');
  const kafka = createKafka(process.env.KAFKA_BROKERS!, `e2e-${id}`, logger);
  const admin = kafka.admin();

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const at = (partition: number, n: number) => Array.from({ length: n }, (_, i) => ({ partition, value: `m${i}` }));
    await producer.send({ topic, acks: -1, messages: [...at(0, 10), ...at(1, 5)] });
    await producer.disconnect();
    // The group has consumed p0 up to offset 4 and never committed on p1 or p2.
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '4' }] });
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  });

  const series = async (metrics: AppMetrics, name: string) => Object.fromEntries((await metrics.registry.getSingleMetric(name)!.get()).values.map((v) => [v.labels.partition, v.value]));

  it('reports each owned partition, and forgets the ones given away in a rebalance', async () => {
    const metrics = new AppMetrics('aggregator');
    const monitor = new ConsumerLagMonitor(kafka, topic, group, metrics, logger, 60_000);
    try {
      monitor.assigned([0, 1, 2]);
      await monitor.poll();
      expect(await series(metrics, 'tthc_consumer_lag')).toEqual({ '0': 6, '1': 5, '2': 0 });
      expect(await series(metrics, 'tthc_consumer_committed_offset')).toEqual({ '0': 4, '1': 0, '2': 0 });

      // The group moves on: p0 fully consumed.
      await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '10' }] });
      monitor.assigned([0]);
      await monitor.poll();
      expect(await series(metrics, 'tthc_consumer_lag')).toEqual({ '0': 0 });
      expect((await metrics.registry.getSingleMetric('tthc_consumer_lag')!.get()).values[0].labels).toEqual({ topic, group, partition: '0' });
    } finally {
      await monitor.stop();
    }
  });

  it('counts a failed reading instead of throwing, and keeps no stale value', async () => {
    const metrics = new AppMetrics('ingest');
    // A client that does not retry, asking about a topic that does not exist.
    const bare = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), clientId: `e2e-${id}-bare`, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const monitor = new ConsumerLagMonitor(bare, `${topic}.missing`, group, metrics, logger, 60_000);
    try {
      monitor.assigned([0]);
      await monitor.poll();
      const failures = (await metrics.registry.getSingleMetric('tthc_consumer_lag_poll_failures_total')!.get()).values;
      expect(failures.map((v) => v.value)).toEqual([expect.any(Number)]);
      expect(failures[0].value).toBeGreaterThanOrEqual(1);
      expect(await series(metrics, 'tthc_consumer_lag')).toEqual({});
    } finally {
      await monitor.stop();
    }
  });
});
