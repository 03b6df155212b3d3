import { EventEmitter } from 'node:events';
import type { INestApplicationContext } from '@nestjs/common';
import { createLogger } from '@tthc/platform';
import { stopOnSignals } from './stop-on-signals';

describe('stopOnSignals', () => {
  const logger = createLogger('spec', 'silent');
  const tick = () => new Promise((r) => setImmediate(r));

  function setUp(close: () => Promise<void>) {
    const signals = new EventEmitter();
    const exits: number[] = [];
    const app = { close: jest.fn(close) } as unknown as INestApplicationContext;
    stopOnSignals(app, logger, 1_000, (code) => exits.push(code), signals);
    return { signals, exits, app };
  }

  afterEach(() => jest.useRealTimers());

  it('closes the app once and exits 0 when it closed in time', async () => {
    const { signals, exits, app } = setUp(() => Promise.resolve());
    signals.emit('SIGTERM', 'SIGTERM');
    await tick();
    await tick();
    expect(exits).toEqual([0]);
    expect(app.close).toHaveBeenCalledTimes(1);
  });

  it('exits 1 when closing takes longer than the timeout, without waiting for it', async () => {
    jest.useFakeTimers();
    const { signals, exits } = setUp(() => new Promise(() => undefined));
    signals.emit('SIGTERM', 'SIGTERM');
    jest.advanceTimersByTime(999);
    expect(exits).toEqual([]);
    // The timeout fires at 1,000 ms and defers the exit a tick (setImmediate), so its log line is out first.
    jest.advanceTimersByTime(1);
    jest.runOnlyPendingTimers();
    expect(exits).toEqual([1]);
  });

  it('a second signal exits 1 at once', async () => {
    const { signals, exits, app } = setUp(() => new Promise(() => undefined));
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    await tick();
    expect(exits).toEqual([1]);
    expect(app.close).toHaveBeenCalledTimes(1);
  });
});
