import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { asMessage, received } from './support/dossier-events';
import { WorkerProcess } from './support/worker-process';

/**
 * Issue 11: SIGTERM during a backlog. Each worker, run as users run it (`node dist/apps/*`),
 * stops taking batches, finishes or abandons the one in hand, and exits 0 within
 * SHUTDOWN_TIMEOUT_MS; what it leaves is whole batches only, and after a restart every event is
 * counted exactly once.
 */
describe('SIGTERM during a backlog (worker processes, real Kafka, PostgreSQL, Redis)', () => {
  const EVENTS = 40_000;
  const SHUTDOWN_TIMEOUT_MS = 10_000;
  /** Process exit and the test's own polling on a shared machine, beyond the shutdown bound. */
  const EXIT_SLACK_MS = 3_000;
  const UNITS = ['28756', '28777', '28783', '28789'];
  let h: PipelineHarness;
  const workers: WorkerProcess[] = [];

  const count = async (sql: string, params: unknown[] = []) => (await h.sql<{ n: number }>(sql, params))[0].n;
  const rawEvents = () => count(`SELECT count(*)::int AS n FROM raw_events`);
  const dossiers = () => count(`SELECT count(*)::int AS n FROM dossiers`);
  const receivedTotal = () => count(`SELECT coalesce(sum(received_total), 0)::int AS n FROM unit_daily_counters`);
  const storedOffsets = () => count(`SELECT coalesce(sum(next_offset), 0)::int AS n FROM consumer_offsets WHERE topic = $1 AND next_offset >= 0`, [h.env.TOPIC_VALIDATED]);
  const validatedEnd = async () => {
    const admin = h.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(h.env.TOPIC_VALIDATED!);
    await admin.disconnect();
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  };
  const start = async (name: 'ingest' | 'aggregator' | 'notifier', overrides: Record<string, string> = {}) => {
    const w = await WorkerProcess.start(name, h.processEnv({ LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), ...overrides }));
    workers.push(w);
    return w;
  };
  /**
   * The worker to be stopped mid-backlog fetches small batches (the setting's floor), so the
   * backlog takes many batches however fast the worker is, and the signal goes out after its
   * first commit: a worker that got through 40,000 events between two polls made the "stopped
   * mid-stream" check fail once the validated records became bundles (issue 12).
   */
  const SMALL_BATCHES = { KAFKA_FETCH_MAX_BYTES_PER_PARTITION: String(64 * 1024) };
  /** SIGTERM, and how the process ended and how long it took. */
  const terminate = async (w: WorkerProcess) => {
    const t0 = Date.now();
    const exit = await w.stop('SIGTERM', 60_000);
    return { exit, ms: Date.now() - t0 };
  };

  beforeAll(async () => {
    // Processes run on the real clock: the events happened yesterday, due in a week.
    const day = new Date(Date.now() - 86_400_000).toISOString();
    const due = new Date(Date.now() + 7 * 86_400_000).toISOString();
    h = await PipelineHarness.create(fixedClock(new Date().toISOString()), { TOPIC_PARTITIONS: '3' });
    for (let i = 0; i < EVENTS; i += 5_000) {
      await h.produce(Array.from({ length: 5_000 }, (_, j) => asMessage(received(UNITS[(i + j) % UNITS.length], `s-${i + j}`, day, (i + j) % 3 ? 'ONLINE' : 'DIRECT', due))));
    }
  });

  afterAll(async () => {
    for (const w of workers) await w.stop('SIGKILL');
    await h?.close();
  });

  it('ingest: stops mid-backlog within the bound, exit 0, having written whole batches only', async () => {
    const ingest = await start('ingest', SMALL_BATCHES);
    await eventually(async () => expect(await rawEvents()).toBeGreaterThan(0), 60_000, 20);
    const { exit, ms } = await terminate(ingest);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS);
    expect(ingest.log()).toContain('shut down cleanly');
    // Stopped mid-stream, not after the backlog.
    expect(await rawEvents()).toBeLessThan(EVENTS);
  });

  it('aggregator and notifier: stop mid-backlog within the bound, exit 0; counters and dossiers agree', async () => {
    // Ingest fetches small batches too, so the validated topic holds small records: a fetch
    // returns at least one whole record batch, and with ingest's usual batches the aggregator's
    // first two could carry the whole backlog (they did, in 2 of 3 runs once it locked units).
    // The notifier first: each start waits for the process to be up (~3 s here), and while the
    // notifier came up last the aggregator got through the whole backlog before the first poll
    // (1 run in 7). The poll now begins as soon as the aggregator is up.
    const notifier = await start('notifier');
    const ingest = await start('ingest', SMALL_BATCHES);
    const aggregator = await start('aggregator', SMALL_BATCHES);
    await eventually(async () => expect(await dossiers()).toBeGreaterThan(0), 60_000, 20);
    const [a, n] = await Promise.all([terminate(aggregator), terminate(notifier)]);
    for (const { exit, ms } of [a, n]) {
      expect(exit).toEqual({ code: 0, signal: null });
      expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS);
    }
    expect(aggregator.log()).toContain('shut down cleanly');
    expect(notifier.log()).toContain('shut down cleanly');
    // Each RECEIVED makes one dossier and one count in one transaction: equal unless a batch was half applied.
    const [d, r] = await Promise.all([dossiers(), receivedTotal()]);
    expect(d).toBe(r);
    expect(d).toBeLessThan(EVENTS);
    await terminate(ingest);
  });

  it('after a restart every event is counted exactly once', async () => {
    await start('ingest');
    await start('aggregator');
    await start('notifier');
    await eventually(async () => expect(await rawEvents()).toBe(EVENTS), 120_000, 500);
    // Caught up: the aggregator's stored offsets reach the end of what ingest forwarded.
    await eventually(async () => expect(await storedOffsets()).toBe(await validatedEnd()), 120_000, 500);
    expect(await dossiers()).toBe(EVENTS);
    expect(await receivedTotal()).toBe(EVENTS);
    const byChannel = await h.sql<{ online: number; direct: number }>(`SELECT sum(received_online)::int AS online, sum(received_direct)::int AS direct FROM unit_daily_counters`);
    const direct = Math.ceil(EVENTS / 3); // every third event, from the first
    expect(byChannel[0]).toEqual({ online: EVENTS - direct, direct });
    // Idle now: a SIGTERM is quick and clean too.
    for (const w of workers.filter((x) => x.alive)) expect((await terminate(w)).exit).toEqual({ code: 0, signal: null });
  });
});
