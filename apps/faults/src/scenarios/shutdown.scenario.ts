import { type Difference, checkRun } from '../fault-checks';
import { log, sleep, waitUntil } from '../fault-log';
import { type AppName, FaultPipeline, type Instance } from '../fault-pipeline';
import type { RunOutcome, ScenarioContext } from '../scenario';

const WORKERS: AppName[] = ['ingest', 'aggregator', 'notifier'];
/** The workers' SHUTDOWN_TIMEOUT_MS default (15 s) and a margin for a loaded machine: no stop may take longer. */
const SHUTDOWN_BOUND_MS = 20_000;
/** A line a worker must log while the broker is not there yet: it names the broker and says it waits or retries. */
const WAITING_LINE = /(broker|kafka)[^\n]*(retry|retrying|waiting|wait|again)|(retry|retrying|waiting)[^\n]*(broker|kafka)/i;

/**
 * Scenario 4: (a) the workers start before the broker is up: each must stay alive, log a line
 * that says it waits for the broker, and become healthy once the broker starts; (b) with the
 * whole feed produced at once (a backlog), each worker is sent SIGTERM mid-backlog, in a seeded
 * order, several times: it must exit by itself (code 0) within the bound, and the restarted
 * worker carries on. Exact at the end.
 */
export async function shutdownScenario(ctx: ScenarioContext): Promise<RunOutcome> {
  const rounds = ctx.opts.short ? 1 : 3;
  const p = new FaultPipeline(ctx.infra, ctx.logDir, 3);
  const differences: Difference[] = [];
  const notes: string[] = [];
  let faults = 0;
  let lastFaultEnd: number;
  try {
    await p.provision();

    // (a) no broker yet.
    await ctx.infra.broker.down();
    faults++;
    const early = await Promise.all(WORKERS.map((app) => p.start(app, { wait: false })));
    await sleep(ctx.opts.short ? 15_000 : 30_000);
    for (const w of early) {
      if (!w.process.running) differences.push({ check: 'startup', detail: `${w.name} exited while the broker was down (${JSON.stringify(w.process.exit)}): it must wait and retry` });
      else if (!WAITING_LINE.test(w.process.log()))
        differences.push({ check: 'startup', detail: `${w.name} logged no line saying it waits for the broker; last output: ${w.process.log().slice(-300)}` });
    }
    const brokerBack = Date.now();
    await ctx.infra.broker.up();
    await Promise.all(p.running().map((w) => w.process.waitHealthy(w.healthUrl, 180_000)));
    // Restarted by the supervisor if they gave up: wait for every worker to be there and healthy.
    await waitUntil('every worker to be healthy after the broker came up', async () => WORKERS.every((a) => p.running(a).length === 1), 180_000);
    await Promise.all(p.running().map((w) => w.process.waitHealthy(w.healthUrl, 180_000)));
    notes.push(`workers healthy ${((Date.now() - brokerBack) / 1000).toFixed(1)} s after the broker start began (start-up included)`);
    lastFaultEnd = Date.now();

    // (b) SIGTERM during a backlog.
    const api = await p.start('api');
    // The feed in one burst per stop, just before it: each worker is stopped with a backlog in front of it.
    const records = ctx.feed.records;
    const parts = rounds * WORKERS.length;
    let produced = 0;
    const stops: string[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = [...WORKERS].sort(() => ctx.rng.next() - 0.5);
      for (const app of order) {
        const upTo = Math.round((records.length * (r * WORKERS.length + order.indexOf(app) + 1)) / parts);
        await p.produce(records.slice(produced, upTo), { chunk: 2_000, pauseMs: 0 });
        produced = upTo;
        const [worker] = p.running(app);
        await waitForWork(p, worker);
        const { exit, ms } = await p.terminate(worker, 60_000);
        faults++;
        stops.push(`${worker.name} ${(ms / 1000).toFixed(1)} s`);
        log(`  SIGTERM ${worker.name}: exited ${exit.signal ?? `code ${exit.code}`} in ${ms} ms`);
        if (exit.code !== 0) differences.push({ check: 'shutdown', detail: `${worker.name} exited ${exit.signal ?? `code ${exit.code}`} on SIGTERM, not 0` });
        if (ms > SHUTDOWN_BOUND_MS) differences.push({ check: 'shutdown', detail: `${worker.name} took ${ms} ms to stop on SIGTERM (bound ${SHUTDOWN_BOUND_MS} ms)` });
        await p.start(app);
        lastFaultEnd = Date.now();
      }
    }
    notes.push(`SIGTERM to exit: ${stops.join(', ')}`);
    const settled = await p.settle(600_000);
    differences.push(...(await checkRun(p, ctx.feed, api.base)));
    if (p.unexpectedExits.length) notes.push(`exited on their own: ${p.unexpectedExits.join(', ')}`);
    return { faults, events: ctx.feed.records.length, differences, recoverMs: Math.max(0, settled - lastFaultEnd), notes };
  } finally {
    await p.destroy();
  }
}

/** Waits (up to 30 s) until the worker's group has records it has not committed: it is mid-backlog. */
async function waitForWork(p: FaultPipeline, worker: Instance): Promise<void> {
  const [group, topic] =
    worker.app === 'ingest' ? [p.env.INGEST_GROUP_ID!, p.topics.events] : worker.app === 'aggregator' ? [p.env.AGGREGATOR_GROUP_ID!, p.topics.validated] : [p.env.NOTIFIER_GROUP_ID!, p.topics.metrics];
  await waitUntil(`${worker.name} to have a backlog`, async () => (await p.topicEnd(topic)) > (await p.committed(group, topic)), 30_000, 100).catch(() =>
    log(`  ${worker.name} had no backlog within 30 s; stopping it anyway`),
  );
}
