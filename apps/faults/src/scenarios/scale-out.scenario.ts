import { checkRun } from '../fault-checks';
import { log, sleep, waitUntil } from '../fault-log';
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
    const stream = p.produce(records, pace(records.length, ctx.opts.short ? 20 : 60));
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
        await p.withAdmin((a) =>
          a.createPartitions({ topicPartitions: [p.topics.events, p.topics.validated].map((topic) => ({ topic, count: END_PARTITIONS })) }),
        );
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
    // Every partition of both topics must end up owned (the new ones included) and consumed.
    await waitUntil(
      'the new partitions to be consumed',
      async () => {
        const [ingest, aggregator] = await Promise.all([
          p.withAdmin((a) => a.fetchOffsets({ groupId: p.env.INGEST_GROUP_ID!, topics: [p.topics.events] })),
          p.sql<{ n: number }>(`SELECT count(*)::int AS n FROM consumer_offsets WHERE consumer_group = $1 AND topic = $2 AND next_offset > 0`, [
            p.env.AGGREGATOR_GROUP_ID,
            p.topics.validated,
          ]),
        ]);
        return ingest[0].partitions.filter((x) => Number(x.offset) > 0).length === END_PARTITIONS && aggregator[0].n === END_PARTITIONS;
      },
      600_000,
      1_000,
    ).catch((error: Error) => log(`  ${error.message}`));
    const settled = await p.settle(600_000);
    const differences = await checkRun(p, ctx.feed, api.base);
    const owners = await p.withAdmin((a) => a.describeGroups([p.env.INGEST_GROUP_ID!, p.env.AGGREGATOR_GROUP_ID!]));
    return {
      faults,
      events: records.length,
      differences,
      recoverMs: Math.max(0, settled - lastFaultEnd),
      notes: [`members at the end: ${owners.groups.map((g) => `${g.groupId.split('-').pop()} ${g.members.length}`).join(', ')}; partitions ${START_PARTITIONS} → ${END_PARTITIONS}`],
    };
  } finally {
    await p.destroy();
  }
}
