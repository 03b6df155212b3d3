import { checkRun } from '../fault-checks';
import { log, sleep } from '../fault-log';
import { type AppName, FaultPipeline } from '../fault-pipeline';
import { type RunOutcome, type ScenarioContext, pace } from '../scenario';

const SCALED: AppName[] = ['ingest', 'aggregator'];
const START_PARTITIONS = 3;
const END_PARTITIONS = 6;

/**
 * Scenario 3: three ingest and three aggregator instances share their groups' partitions; while
 * the feed streams in, one instance of each is SIGKILLed, one more of each is added, and the
 * input and validated topics grow from 3 to 6 partitions (a unit's records then arrive on two
 * partitions of the validated topic: the old one and the new one). Exact at the end.
 */
export async function scaleOutScenario(ctx: ScenarioContext): Promise<RunOutcome> {
  const p = new FaultPipeline(ctx.infra, ctx.logDir, START_PARTITIONS);
  try {
    await p.provision();
    const [api] = await Promise.all([p.start('api'), p.start('notifier'), ...SCALED.flatMap((app) => [1, 2, 3].map(() => p.start(app)))]);
    const records = ctx.feed.records;
    let faults = 0;
    let lastFaultEnd = 0;
    // Half the feed while the faults happen, the rest after the last one: records reach the new partitions.
    const half = Math.floor(records.length / 2);
    const stream = p.produce(records.slice(0, half), pace(half, ctx.opts.short ? 15 : 45));
    // The faults, in a seeded order, spread over the stream.
    const steps: (() => Promise<void>)[] = [
      ...SCALED.map((app) => async () => {
        const victim = ctx.rng.pick(p.running(app));
        await p.kill(victim);
        log(`  SIGKILL ${victim.name}`);
      }),
      ...SCALED.map((app) => async () => {
        const added = await p.start(app);
        log(`  added ${added.name}`);
      }),
      async () => {
        await p.withAdmin((a) => a.createPartitions({ topicPartitions: [p.topics.events, p.topics.validated].map((topic) => ({ topic, count: END_PARTITIONS })) }));
        // A source system's producer learns of new partitions when it refreshes its metadata; the runner's does at once.
        p.refreshProducer();
        log(`  partitions of ${p.topics.events} and ${p.topics.validated}: ${START_PARTITIONS} → ${END_PARTITIONS}`);
      },
    ];
    for (let i = steps.length - 1; i > 0; i--) {
      const j = ctx.rng.between(0, i);
      [steps[i], steps[j]] = [steps[j], steps[i]];
    }
    const faultsDone = (async () => {
      for (const step of steps) {
        await sleep(ctx.rng.between(1_000, ctx.opts.short ? 3_000 : 8_000));
        await step();
        faults++;
        lastFaultEnd = Date.now();
      }
    })();
    await Promise.all([stream, faultsDone]);
    await p.produce(records.slice(half), pace(records.length - half, ctx.opts.short ? 8 : 30));
    // Settled means every partition consumed to its end, the new ones included: committed offsets are summed over all of them.
    const settled = await p.settle(600_000);
    const used = await p.withAdmin(async (a) =>
      Promise.all([p.topics.events, p.topics.validated].map(async (t) => (await a.fetchTopicOffsets(t)).filter((o) => o.partition >= START_PARTITIONS && Number(o.high) > 0).length)),
    );
    const differences = await checkRun(p, ctx.feed, api.base);
    const owners = await p.withAdmin((a) => a.describeGroups([p.env.INGEST_GROUP_ID!, p.env.AGGREGATOR_GROUP_ID!]));
    return {
      faults,
      events: records.length,
      differences,
      recoverMs: Math.max(0, settled - lastFaultEnd),
      notes: [
        `members at the end: ${owners.groups.map((g) => `${g.groupId.split('-').pop()} ${g.members.length}`).join(', ')}; partitions ${START_PARTITIONS} → ${END_PARTITIONS}, new partitions with records: events ${used[0]}, validated ${used[1]}`,
        ...(p.unexpectedExits.length ? [`exited on their own: ${p.unexpectedExits.join(', ')}`] : []),
      ],
    };
  } finally {
    await p.destroy();
  }
}
