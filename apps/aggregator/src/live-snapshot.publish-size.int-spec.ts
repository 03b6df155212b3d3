import { randomBytes } from 'node:crypto';
import { loadUnitCatalogue } from '@tthc/catalogue';
import type Redis from 'ioredis';
import { METRICS, REDIS } from '@tthc/infrastructure';
import { LiveMetricsStore } from '@tthc/live-metrics';
import { createKafka, withAdmin } from '@tthc/messaging';
import type { AppMetrics } from '@tthc/observability';
import { createLogger } from '@tthc/platform';
import { batchOf, WorkerContext } from '../../../test/support/worker-context';
import { AggregatorSettings } from './aggregator.settings';
import { DossierBatchHandler } from './dossier-batch.handler';
import { LiveSnapshotPublisher } from './live-snapshot.publisher';

/**
 * A flush publishes its units' snapshots in requests below KAFKA_MAX_SEND_BYTES. One request of a
 * whole catalogue's snapshots (a nation's: 3,355 of ~2 KB) is over the broker's
 * `message.max.bytes` and refused whole; the units were marked dirty again and every later flush
 * was refused the same way, so nothing reached the topic the notifier alerts from. Here the topic
 * takes 32 KB a batch and the province's 125 snapshots are ~250 KB, on the real broker.
 */
describe('LiveSnapshotPublisher sends sized (real Kafka, PostgreSQL, Redis)', () => {
  const LIMIT = 32_768;
  const metricsTopic = `int.${randomBytes(4).toString('hex')}.metrics.units`;
  const units = loadUnitCatalogue().map((u) => u.code);
  const kafka = createKafka(process.env.KAFKA_BROKERS!, 'int-live-size', createLogger('int', 'error'));
  let ctx: WorkerContext;

  beforeAll(async () => {
    await withAdmin(kafka, (admin) =>
      admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: metricsTopic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: String(LIMIT) }] }],
      }),
    );
    // Start-up rebuilds the snapshot in Redis and publishes nothing before the group join; the timers stay out of it.
    ctx = await WorkerContext.create('aggregator', AggregatorSettings, [DossierBatchHandler, LiveSnapshotPublisher], '2025-07-31T12:00:00+07:00', {
      TOPIC_UNIT_METRICS: metricsTopic,
      KAFKA_MAX_SEND_BYTES: String(LIMIT - 2_048),
      LIVE_FLUSH_MS: '60000',
      LIVE_REFRESH_MS: '3600000',
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await withAdmin(kafka, (admin) => admin.deleteTopics({ topics: [metricsTopic] }).catch(() => undefined));
  });

  it("publishes nothing before its group join, every unit's snapshot after it, then a flush's, over a topic that takes a tenth of them a request", async () => {
    const publisher = ctx.app.get(LiveSnapshotPublisher);
    // Before the join: Redis holds every unit, marked complete, and nothing reached the topic.
    const rebuilt = await new LiveMetricsStore(ctx.app.get<Redis>(REDIS), ctx.env.REDIS_KEY_PREFIX!).readProvince('86');
    expect(rebuilt.complete).toBe(true);
    expect(new Set(rebuilt.snapshots.map((x) => x.unitCode))).toEqual(new Set(units)); // the catalogue is province 86's
    expect(await ctx.read(metricsTopic)).toEqual([]);

    // The join of the only member: every unit is its own, recomputed and published at the next flush.
    publisher.partitionsAssigned([0], 1);
    await publisher.flushDirty();
    const started = await ctx.read(metricsTopic);
    const bytes = started.reduce((sum, m) => sum + (m.value?.length ?? 0), 0);
    expect(bytes).toBeGreaterThan(4 * LIMIT);
    expect(new Set(started.map((m) => m.key?.toString()))).toEqual(new Set(units));
    expect(started).toHaveLength(units.length);

    // The producer is not left stuck by anything before: a batch's unit is published at the next flush.
    const unit = units[0];
    const received = JSON.stringify({
      eventId: '00000000-0000-4000-8000-000000000001',
      type: 'RECEIVED',
      dossierId: 'd-1',
      unitCode: unit,
      procedureCode: '1.001612',
      occurredAt: Date.parse('2025-07-31T09:00:00+07:00'),
      channel: 'ONLINE',
      dueAt: Date.parse('2025-08-05T17:00:00+07:00'),
    });
    const result = await ctx.app.get(DossierBatchHandler).handle(batchOf(ctx.env.TOPIC_VALIDATED!, [received], 0));
    publisher.markDirty(result.changedUnits);
    await publisher.flushDirty();
    const after = (await ctx.read(metricsTopic)).slice(units.length);
    expect(after.map((m) => m.key?.toString())).toEqual([unit]);
    expect(JSON.parse(after[0].value!.toString()).today.receivedTotal).toBe(1);
    // And it counted so: start-up, the join's flush and the last one, nothing failed.
    const updates = await ctx.app.get<AppMetrics>(METRICS).registry.getSingleMetric('tthc_live_snapshot_updates_total')!.get();
    const count = (outcome: string) => updates.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
    expect([count('published'), count('failed')]).toEqual([3, 0]);
  });
});
