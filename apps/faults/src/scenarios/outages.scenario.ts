import { type Difference, checkRun, fetchLive, liveDifferences } from '../fault-checks';
import { log, sleep, waitUntil } from '../fault-log';
import { type AppName, FaultPipeline } from '../fault-pipeline';
import { type RunOutcome, type ScenarioContext, pace } from '../scenario';

/**
 * Scenario 2: the services under the pipeline fail while the feed streams in. PostgreSQL is
 * stopped (`pg_ctl -m immediate`: a crash, recovery from the WAL on restart) for 20 s; the broker
 * is killed with `kill -9` and restarted on the same data after 20 s (the runner's producer
 * retries its sends meanwhile, as a source system would). After the pipeline has settled, Redis
 * is killed and restarted empty: from then on GET /metrics/live must either say it is rebuilding
 * (503) or serve figures equal to the ground truth — never partial figures.
 */
export async function outagesScenario(ctx: ScenarioContext): Promise<RunOutcome> {
  const outageMs = ctx.opts.short ? 5_000 : 20_000;
  const p = new FaultPipeline(ctx.infra, ctx.logDir, 3);
  const notes: string[] = [];
  try {
    await p.provision();
    const [api] = await Promise.all([p.start('api'), ...(['ingest', 'aggregator', 'notifier'] as AppName[]).map((app) => p.start(app))]);
    const stream = p.produce(ctx.feed.records, { ...pace(ctx.feed.records.length, ctx.opts.short ? 20 : 60), giveUpMs: 600_000 });
    let lastFaultEnd = 0;
    const faults = (async () => {
      await sleep(ctx.rng.between(3_000, 8_000));
      log(`  PostgreSQL stopped (immediate) for ${outageMs / 1000} s`);
      await ctx.infra.postgres.down('immediate');
      await sleep(outageMs);
      await ctx.infra.postgres.up();
      log('  PostgreSQL back');
      await sleep(ctx.rng.between(3_000, 8_000));
      log(`  broker kill -9, down for ${outageMs / 1000} s`);
      await ctx.infra.broker.kill9();
      await sleep(outageMs);
      const t0 = Date.now();
      await ctx.infra.broker.up();
      log(`  broker back on the same data (start ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      lastFaultEnd = Date.now();
    })();
    await Promise.all([stream, faults]);
    const settled = await p.settle(900_000);
    const recoverMs = Math.max(0, settled - lastFaultEnd);
    const differences = await checkRun(p, ctx.feed, api.base);

    // Redis lost: every answer of /metrics/live until it is whole again is "rebuilding", not partial figures.
    log('  Redis killed and restarted empty');
    await ctx.infra.redis.kill();
    const flushedAt = Date.now();
    await ctx.infra.redis.up();
    const partial: Difference[] = [];
    let rebuilding = 0;
    const rebuiltAt = await waitUntil(
      'the live snapshot to be rebuilt',
      async () => {
        const live = await fetchLive(api.base!);
        if (live.status === 503) {
          rebuilding++;
          return false;
        }
        const diff = liveDifferences(live, ctx.feed.truth);
        if (diff.length) partial.push({ check: 'live', detail: `after the Redis flush /metrics/live answered ${live.status} with ${diff.length} wrong figures (${diff[0].detail})` });
        return diff.length === 0;
      },
      120_000,
      200,
    );
    differences.push(...partial.slice(0, 1));
    if (partial.length) log(`  ${partial.length} answers with partial figures after the Redis flush, the first: ${partial[0].detail}`);
    notes.push(`/metrics/live answered "rebuilding" ${rebuilding} times, then the whole snapshot ${((rebuiltAt - flushedAt) / 1000).toFixed(1)} s after the flush`);
    if (p.unexpectedExits.length) notes.push(`apps that exited on their own and were restarted: ${p.unexpectedExits.join(', ')}`);
    return { faults: 3, events: ctx.feed.records.length, differences, recoverMs: Math.max(recoverMs, rebuiltAt - flushedAt), notes };
  } finally {
    await p.destroy();
  }
}
