import { CoalescingQueue } from './coalescing-queue';

/** A run the test finishes by hand, so it can submit while one is in progress. */
interface Run {
  items: Map<string, number>;
  finish: () => void;
}

function harness() {
  const runs: Run[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  const serialise = (run: () => Promise<string>) => {
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    return next;
  };
  const queue = new CoalescingQueue<string, number, string>(serialise, (items) => {
    const seen = new Map(items);
    return new Promise<string>((resolve) => runs.push({ items: seen, finish: () => resolve(`run ${runs.length}: ${[...seen].map(([k, v]) => `${k}=${v}`).join(',')}`) }));
  });
  const settle = () => new Promise((r) => setImmediate(r));
  return { runs, queue, settle };
}

describe('CoalescingQueue', () => {
  it('starts at once when idle: one submission, one run', async () => {
    const { runs, queue, settle } = harness();
    const result = queue.submit([['a', 1]]);
    await settle();
    expect(runs.map((r) => [...r.items])).toEqual([[['a', 1]]]);
    runs[0].finish();
    expect(await result).toBe('run 1: a=1');
  });

  it('joins submissions made before the run starts into that run, the latest per key', async () => {
    const { runs, queue, settle } = harness();
    const results = [queue.submit([['a', 1]]), queue.submit([['b', 2]]), queue.submit([['a', 3]])];
    await settle();
    expect(runs).toHaveLength(1);
    expect([...runs[0].items]).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    runs[0].finish();
    expect(await Promise.all(results)).toEqual(['run 1: a=3,b=2', 'run 1: a=3,b=2', 'run 1: a=3,b=2']);
  });

  it('gives what arrives during a run to the next run, not the one in progress', async () => {
    const { runs, queue, settle } = harness();
    const first = queue.submit([['a', 1]]);
    await settle();
    const second = queue.submit([['b', 2]]);
    const third = queue.submit([['a', 4]]);
    await settle();
    // The first run's input is fixed once it started; the later two wait, joined, for the next.
    expect(runs).toHaveLength(1);
    expect([...runs[0].items]).toEqual([['a', 1]]);
    runs[0].finish();
    expect(await first).toBe('run 1: a=1');
    await settle();
    expect(runs).toHaveLength(2);
    expect([...runs[1].items]).toEqual([
      ['b', 2],
      ['a', 4],
    ]);
    runs[1].finish();
    expect(await Promise.all([second, third])).toEqual(['run 2: b=2,a=4', 'run 2: b=2,a=4']);
  });

  it('rejects every submission of a failed run, and runs the next one anyway', async () => {
    let calls = 0;
    let chain: Promise<unknown> = Promise.resolve();
    const serialise = (run: () => Promise<number>) => {
      const next = chain.then(run, run);
      chain = next.catch(() => undefined);
      return next;
    };
    const queue = new CoalescingQueue<string, number, number>(serialise, async (items) => {
      calls++;
      if (items.has('bad')) throw new Error('storage refused');
      return items.size;
    });
    const failed = [queue.submit([['bad', 1]]), queue.submit([['x', 1]])];
    await expect(failed[0]).rejects.toThrow('storage refused');
    await expect(failed[1]).rejects.toThrow('storage refused');
    expect(await queue.submit([['y', 1]])).toBe(1);
    expect(calls).toBe(2);
  });
});
