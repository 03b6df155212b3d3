import { PipelineHarness, eventually } from './support/pipeline-harness';
import { WorkerProcess } from './support/worker-process';

/**
 * The clock tick's store reads across notifier instances (issue 12), on real processes: a
 * notifier alone in its group reads each unit's window from PostgreSQL once and judges on that
 * read at the following ticks (every unit's snapshots would reach it); beside a second member it
 * reads every unit it holds no snapshot of at every tick, since the other member receives some
 * units' snapshots; alone again, it reads once more and then not. No aggregator runs, so no
 * snapshot is ever held: every unit's windows come from the store or from a kept read.
 */
describe('the notifier’s clock tick alone and beside a second instance (real processes, Kafka, PostgreSQL)', () => {
  let h: PipelineHarness;
  const workers: WorkerProcess[] = [];
  const UNITS = 125;

  /** Each "alert tick evaluated" line a process logged so far: how many units it read from the store. */
  const ticks = (w: WorkerProcess): number[] => [...w.log().matchAll(/"fromStore":(\d+),"ms":\d+,"msg":"alert tick evaluated"/g)].map((m) => Number(m[1]));
  /** Waits until the process has logged `n` more ticks, and returns them. */
  const nextTicks = async (w: WorkerProcess, n: number): Promise<number[]> => {
    const seen = ticks(w).length;
    return eventually(() => {
      const all = ticks(w);
      if (all.length < seen + n) throw new Error(`${all.length - seen} of ${n} ticks:\n${w.log().slice(-2_000)}`);
      return Promise.resolve(all.slice(seen, seen + n));
    }, 30_000);
  };
  const start = async () => {
    const w = await WorkerProcess.start('notifier', h.processEnv({ LOG_LEVEL: 'debug', ALERT_TICK_MS: '700' }));
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    h = await PipelineHarness.create({ now: () => Date.now() });
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) if (w.alive) await w.stop();
    await h?.close();
  });

  it('reads every unit once while alone, at every tick beside another member, and once more when alone again', async () => {
    const a = await start();
    // Alone: once the group join is confirmed, ticks read nothing.
    await eventually(async () => {
      const last = (await nextTicks(a, 2)).join(',');
      if (last !== '0,0') throw new Error(`ticks alone: ${last}`);
    }, 60_000);
    expect(ticks(a).every((n) => n === 0 || n === UNITS)).toBe(true);

    // A second member: neither keeps a read, so each reads every unit at every tick.
    const b = await start();
    await eventually(async () => {
      const [ofA, ofB] = await Promise.all([nextTicks(a, 3), nextTicks(b, 3)]);
      if ([...ofA, ...ofB].some((n) => n !== UNITS)) throw new Error(`ticks beside another member: ${ofA.join(',')} / ${ofB.join(',')}`);
    }, 60_000);

    // The second leaves: the first is alone again, reads once more, then nothing.
    await b.stop();
    await eventually(async () => {
      const last = (await nextTicks(a, 2)).join(',');
      if (last !== '0,0') throw new Error(`ticks alone again: ${last}`);
    }, 60_000);
  }, 180_000);
});
