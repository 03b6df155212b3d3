import { log, sleep } from '../fault-log';
import { checkRun } from '../fault-checks';
import { type AppName, FaultPipeline } from '../fault-pipeline';
import { type RunOutcome, type ScenarioContext, pace } from '../scenario';

const KILLED: AppName[] = ['ingest', 'aggregator', 'notifier'];

/**
 * Scenario 1: SIGKILL of ingest, the aggregator and the notifier, each at several seeded random
 * moments while the feed streams in and they work through it, each restarted at once. Every kill
 * notes whether the app's consumer group had a backlog at that moment (a batch in flight, or
 * about to be).
 */
export async function killsScenario(ctx: ScenarioContext): Promise<RunOutcome> {
  const killsPerApp = ctx.opts.short ? 1 : 5;
  const p = new FaultPipeline(ctx.infra, ctx.logDir, 3);
  try {
    await p.provision();
    const [api] = await Promise.all([p.start('api'), ...KILLED.map((app) => p.start(app))]);
    const stream = p.produce(ctx.feed.records, pace(ctx.feed.records.length, ctx.opts.short ? 15 : 60));
    let lastFaultEnd = 0;
    let withBacklog = 0;
    const groups: Record<string, [string, string]> = {
      ingest: [p.env.INGEST_GROUP_ID!, p.topics.events],
      aggregator: [p.env.AGGREGATOR_GROUP_ID!, p.topics.validated],
      notifier: [p.env.NOTIFIER_GROUP_ID!, p.topics.metrics],
    };
    const killer = async (app: AppName): Promise<void> => {
      for (let k = 0; k < killsPerApp; k++) {
        await sleep(ctx.rng.between(500, 4_000));
        const [group, topic] = groups[app];
        // Mid-batch: wait (up to 5 s) for records the app has not committed yet, then kill.
        let backlog = -1;
        for (const until = Date.now() + 5_000; Date.now() < until; await sleep(100)) {
          backlog = await Promise.all([p.topicEnd(topic), p.committed(group, topic)]).then(
            ([end, done]) => end - done,
            () => -1,
          );
          if (backlog > 0) break;
        }
        if (backlog > 0) withBacklog++;
        const [victim] = p.running(app);
        await p.kill(victim);
        log(`  SIGKILL ${victim.name} (backlog ${backlog})`);
        await p.start(app);
        lastFaultEnd = Math.max(lastFaultEnd, Date.now());
      }
    };
    await Promise.all([stream, ...KILLED.map(killer)]);
    const settled = await p.settle(600_000);
    const differences = await checkRun(p, ctx.feed, api.base);
    return {
      faults: killsPerApp * KILLED.length,
      events: ctx.feed.records.length,
      differences,
      recoverMs: Math.max(0, settled - lastFaultEnd),
      notes: [`${withBacklog} of ${killsPerApp * KILLED.length} kills with a backlog in the app's group`],
    };
  } finally {
    await p.destroy();
  }
}
