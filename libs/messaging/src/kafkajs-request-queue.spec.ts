/**
 * kafkajs 2.2.4's request queue, as installed: `patches/kafkajs+2.2.4.patch` (applied by
 * patch-package on `npm ci`) stops the timer of 1 ms that every connection re-armed forever once
 * it had answered a request with nothing pending (tulios/kafkajs#1556, #1704; unfixed upstream).
 * Measured on the idle apps: 56–77 ms of CPU a second each before, 18–39 after (BENCHMARKS.md).
 * The other tests keep the queue's duties: a request waiting on a throttle or on the in-flight
 * limit is still sent when it may be.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue');

interface Queue {
  push(request: object): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number): void;
  checkPendingRequests(): void;
  destroy(): void;
}

const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined, info: () => undefined };

function queue(maxInFlightRequests: number | null = null): Queue {
  return new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'b:9092', logger: silent });
}

/** A request as the connection pushes it; `sent` records when the socket write happened. */
function request(correlationId: number, sent: number[]): object {
  return {
    entry: { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve: () => undefined, reject: () => undefined },
    expectResponse: true,
    sendRequest: () => sent.push(correlationId),
  };
}

describe('kafkajs request queue (patched)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('arms no timer once a request is answered and nothing is pending', () => {
    const q = queue();
    const sent: number[] = [];
    q.push(request(1, sent));
    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    const checks = jest.spyOn(q, 'checkPendingRequests');

    jest.advanceTimersByTime(1_000);

    // Unpatched: ~1,000 checks a second, each re-arming the next.
    expect(checks).toHaveBeenCalledTimes(0);
    expect(jest.getTimerCount()).toBe(0);
    expect(sent).toEqual([1]);
    q.destroy();
  });

  it('sends a request pushed while throttled when the throttle ends, and then goes quiet', () => {
    const q = queue();
    const sent: number[] = [];
    q.maybeThrottle(200);
    q.push(request(1, sent));

    jest.advanceTimersByTime(150);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(100);
    expect(sent).toEqual([1]);

    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    const checks = jest.spyOn(q, 'checkPendingRequests');
    jest.advanceTimersByTime(1_000);
    expect(checks).toHaveBeenCalledTimes(0);
    q.destroy();
  });

  it('sends a request held by the in-flight limit as soon as one in flight is answered', () => {
    const q = queue(1);
    const sent: number[] = [];
    q.push(request(1, sent));
    q.push(request(2, sent));
    expect(sent).toEqual([1]);

    q.fulfillRequest({ correlationId: 1, payload: Buffer.alloc(0), size: 0 });
    expect(sent).toEqual([1, 2]);
    q.destroy();
  });
});
