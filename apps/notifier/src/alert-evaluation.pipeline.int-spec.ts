import type { UnitSnapshot, WindowFigures } from '@tthc/contracts';
import { type AlertRule, ruleDefaults, zeroCounters, zeroWindowCounts } from '@tthc/domain';
import { applyCounterDeltas } from '@tthc/persistence';
import { WorkerContext } from '../../../test/support/worker-context';
import { AlertEvaluationPipeline } from './alert-evaluation.pipeline';
import { ALERT_RULES } from './alert-rules.token';
import { AlertLogRecorder } from './evaluation/alert-log.recorder';
import { AlertOutboxPublisher } from './evaluation/alert-outbox.publisher';
import { UnitFiguresReader } from './evaluation/unit-figures.reader';
import { NotifierSettings } from './notifier.settings';

/**
 * The clock tick judges each unit on the latest snapshot this member holds (issue 12: reading
 * every unit's window from PostgreSQL every tick was ~1 s of its CPU nationally), on the store
 * once the snapshot's partition went to another member, and on that read again at the next tick.
 * Real PostgreSQL and Kafka.
 */
describe('AlertEvaluationPipeline: the clock tick on held snapshots (real PostgreSQL, Kafka)', () => {
  let ctx: WorkerContext;
  let pipeline: AlertEvaluationPipeline;
  const NOW = '2025-07-31T12:00:00+07:00';
  const RULE: AlertRule = { id: 'online-rate-30d', metric: 'onlineRate', ...ruleDefaults('onlineRate'), overrides: [] };
  const window = (from: string, to: string, receivedTotal: number, receivedOnline: number): WindowFigures => ({
    from,
    to,
    ...zeroWindowCounts(),
    receivedTotal,
    receivedOnline,
    onlineRate: receivedOnline / receivedTotal,
    onTimeRate: null,
    fullyOnlineRate: null,
  });
  // 40 receipts, 20 online: 50 %, below the 80 % target; the store says 40 of 40.
  const bad: UnitSnapshot = {
    unitCode: '28756',
    asOf: new Date(Date.parse(NOW) - 1000).toISOString(),
    today: window('2025-07-31', '2025-07-31', 40, 20),
    monthToDate: window('2025-07-01', '2025-07-31', 40, 20),
    rolling30d: window('2025-07-02', '2025-07-31', 40, 20),
    overdueOpen: 0,
  };
  const kinds = (messages: { unitCode: string; kind: string }[]) => messages.filter((m) => m.unitCode === '28756').map((m) => m.kind);

  beforeAll(async () => {
    ctx = await WorkerContext.create(
      'notifier',
      NotifierSettings,
      [{ provide: ALERT_RULES, useValue: [RULE] }, UnitFiguresReader, AlertLogRecorder, AlertOutboxPublisher, AlertEvaluationPipeline],
      NOW,
    );
    pipeline = ctx.app.get(AlertEvaluationPipeline);
    await applyCounterDeltas(ctx.db.dataSource, [{ unitCode: '28756', day: '2025-07-31', counters: { ...zeroCounters(), receivedTotal: 40, receivedOnline: 40, openChange: 0, overdueChange: 0 } }]);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('keeps judging a unit on its held snapshot, on the store once that snapshot’s partition is no longer this member’s, then on that read', async () => {
    const reader = ctx.app.get(UnitFiguresReader);
    const reads = () => reader.unitsReadFromStore - before;
    const before = reader.unitsReadFromStore;
    pipeline.partitionsAssigned([0, 1, 2, 3, 4, 5], true); // the only member
    expect(kinds(await pipeline.evaluateSnapshots(2, [bad]))).toEqual(['FIRED']);
    // The store would resolve it (40 of 40 online); the held snapshot is what the aggregator last said.
    // The other 124 units have no snapshot: read from the store.
    expect(kinds(await pipeline.evaluateAll())).toEqual([]);
    expect(reads()).toBe(124);
    // Nothing has said any unit changed since: the next tick judges on those reads, and reads nothing.
    expect(kinds(await pipeline.evaluateAll())).toEqual([]);
    expect(reads()).toBe(124);

    // A second member took partitions 2, 4 and 5: the held snapshot of partition 2 and every kept read are dropped,
    // and while another member receives some units' snapshots each tick reads every unit it holds no snapshot of.
    pipeline.partitionsAssigned([0, 1, 3], false);
    expect(kinds(await pipeline.evaluateAll())).toEqual(['RESOLVED']);
    expect(reads()).toBe(124 + 125);
    expect(kinds(await pipeline.evaluateAll())).toEqual([]);
    expect(reads()).toBe(124 + 125 + 125);
    // The only member again: one more read of every unit, then none.
    pipeline.partitionsAssigned([0, 1, 2, 3, 4, 5], true);
    await pipeline.evaluateAll();
    await pipeline.evaluateAll();
    expect(reads()).toBe(124 + 125 + 125 + 125);
  });
});
