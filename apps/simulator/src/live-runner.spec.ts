import { loadUnitCatalogue } from '@tthc/catalogue';
import { DossierFeed, type DossierEventJson } from './feed/dossier-feed';
import { DAY_MS } from './feed/local-time';
import { LiveRunner, type Clock, type MessageSink, type RunnerLogger } from './live-runner';
import { NoiseInjector, type OutgoingMessage } from './noise';

const units = loadUnitCatalogue('86');
const quietLogger: RunnerLogger = { info: () => undefined, warn: () => undefined };

/** A fake real clock: time moves only when the runner sleeps (or a send takes time). */
class FakeClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
    await Promise.resolve();
  }
}

class RecordingSink implements MessageSink {
  readonly sent: { at: number; messages: OutgoingMessage[] }[] = [];
  failuresLeft = 0;
  constructor(private readonly clock: FakeClock) {}
  async send(messages: OutgoingMessage[]): Promise<void> {
    this.clock.t += 5; // a send takes a little time
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('broker unavailable');
    }
    this.sent.push({ at: this.clock.t, messages });
  }
}

// Wednesday 2025-07-16 10:00 local; three days of history reach back to Sunday 10:00.
const NOW = Date.parse('2025-07-16T10:00:00+07:00');

function setUp(backfillDays: number, speed: number | 'max', stopAfter: (runner: LiveRunner, clock: FakeClock) => boolean, noise = false) {
  const clock = new FakeClock(NOW);
  const sink = new RecordingSink(clock);
  const feed = new DossierFeed({ seed: 86, units });
  const runner = new LiveRunner(feed, sink, clock, quietLogger, {
    backfillDays,
    speed,
    tickMs: 500,
    maxBatch: 1_000,
    logEveryMs: 10_000,
    noise: noise ? new NoiseInjector(86) : undefined,
  });
  const origSleep = clock.sleep.bind(clock);
  clock.sleep = async (ms: number) => {
    await origSleep(ms);
    if (stopAfter(runner, clock)) runner.stop();
  };
  return { clock, sink, runner };
}

describe('LiveRunner', () => {
  it('backfills the history, then follows the real clock, never producing a future event', async () => {
    const { sink, runner } = setUp(3, 'max', (_r, clock) => clock.t > NOW + 30 * 60_000);
    const stats = await runner.run();
    expect(stats.phase).toBe('live');
    const all = sink.sent.flatMap((s) => s.messages.map((m) => ({ sentAt: s.at, event: JSON.parse(m.value) as DossierEventJson })));
    const future = all.filter(({ sentAt, event }) => Date.parse(event.occurredAt) > sentAt);
    expect(future).toEqual([]);
    const occurred = all.map(({ event }) => Date.parse(event.occurredAt));
    expect(Math.min(...occurred)).toBeGreaterThanOrEqual(NOW - 3 * DAY_MS);
    // History arrived at once: the first batches all went out before the real clock moved a minute.
    expect(all.filter(({ sentAt, event }) => sentAt < NOW + 60_000 && Date.parse(event.occurredAt) < NOW).length).toBeGreaterThan(15_000);
    // Then live: receipts of this Wednesday morning went out within a tick of happening.
    const live = all.filter(({ event }) => Date.parse(event.occurredAt) > NOW + 60_000);
    expect(live.length).toBeGreaterThan(100);
    for (const { sentAt, event } of live) expect(sentAt - Date.parse(event.occurredAt)).toBeLessThan(1_000);
    expect(sink.sent.every((s) => s.messages.length <= 1_000)).toBe(true);
    expect(stats.events).toBe(all.length);
  });

  it('paces the backfill at --speed and still ends at the real clock', async () => {
    const { runner, clock } = setUp(1 / 24, 60, (r) => r.progress.phase === 'live');
    const stats = await runner.run();
    // One hour of history at 60x: ~60 s of wall time.
    expect(clock.t - NOW).toBeGreaterThanOrEqual(59_000);
    expect(clock.t - NOW).toBeLessThan(63_000);
    expect(stats.simulatedAt).toBeLessThanOrEqual(clock.t);
  });

  it('retries a failed send and adds noise on top of the clean feed', async () => {
    const { sink, runner } = setUp(2, 'max', (r) => r.progress.phase === 'live', true);
    sink.failuresLeft = 2;
    const stats = await runner.run();
    const messages = sink.sent.flatMap((s) => s.messages);
    expect(stats.messages).toBe(messages.length);
    expect(stats.duplicates).toBeGreaterThan(0);
    expect(stats.malformed).toBeGreaterThanOrEqual(0);
    expect(messages.length).toBe(stats.events + stats.duplicates + stats.malformed);
    const ids = messages.flatMap((m) => {
      try {
        return [(JSON.parse(m.value) as DossierEventJson).eventId];
      } catch {
        return [];
      }
    });
    expect(new Set(ids).size).toBe(stats.events);
  });
});
