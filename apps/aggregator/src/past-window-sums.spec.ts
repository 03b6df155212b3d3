import { type WindowCounts, zeroWindowCounts } from '@tthc/domain';
import { PastWindowSums, splitAtToday } from './past-window-sums';

const counts = (receivedTotal: number): Map<string, WindowCounts> => new Map([['rolling30d', { ...zeroWindowCounts(), receivedTotal }]]);

describe('splitAtToday', () => {
  it.each([
    // [window from, today, past part or undefined]
    ['2026-11-30', '2026-11-30', undefined],
    ['2026-11-01', '2026-11-30', { from: '2026-11-01', to: '2026-11-29' }],
    ['2026-12-01', '2026-12-01', undefined], // month to date on the 1st: today alone
    ['2026-02-28', '2026-03-01', { from: '2026-02-28', to: '2026-02-28' }],
    ['2025-12-03', '2026-01-01', { from: '2025-12-03', to: '2025-12-31' }],
  ])('window from %s on %s → past %j', (from, today, past) => {
    const split = splitAtToday([{ name: 'w', from, to: today }], today);
    expect(split.today).toEqual({ name: 'today', from: today, to: today });
    expect(split.past).toEqual(past ? [{ name: 'w', ...past }] : []);
  });
});

describe('PastWindowSums', () => {
  const today = '2026-11-30';

  it('keeps a unit for its day only', () => {
    const cache = new PastWindowSums();
    cache.store(cache.generation(), today, ['A', 'B'], new Map([['A', counts(5)]]));
    expect(cache.get('A', today)?.get('rolling30d')?.receivedTotal).toBe(5);
    expect(cache.get('B', today)).toEqual(new Map()); // read, no rows: known to be zero
    expect(cache.get('C', today)).toBeUndefined();
    expect(cache.get('A', '2026-12-01')).toBeUndefined(); // after midnight the windows moved
  });

  it.each([
    ['2026-11-30', true], // today's rows: the past sums stand
    ['2026-12-01', true], // a day ahead of the clock (skew): not a past day
    ['2026-11-29', false],
    ['2026-10-01', false],
  ])('a batch touching %s keeps the entry: %s', (earliestDay, kept) => {
    const cache = new PastWindowSums();
    cache.store(cache.generation(), today, ['A'], new Map([['A', counts(5)]]));
    cache.invalidate('A', earliestDay, today);
    expect(cache.get('A', today) !== undefined).toBe(kept);
  });

  it('does not store what a read begun before an invalidation found', () => {
    const cache = new PastWindowSums();
    const from = cache.generation();
    // The read runs; meanwhile a batch commits a late event for A.
    cache.invalidate('A', '2026-11-02', today);
    cache.store(
      from,
      today,
      ['A', 'B'],
      new Map([
        ['A', counts(5)],
        ['B', counts(7)],
      ]),
    );
    expect(cache.get('A', today)).toBeUndefined();
    expect(cache.get('B', today)?.get('rolling30d')?.receivedTotal).toBe(7);
    // The next read starts after the invalidation and is stored.
    cache.store(cache.generation(), today, ['A'], new Map([['A', counts(6)]]));
    expect(cache.get('A', today)?.get('rolling30d')?.receivedTotal).toBe(6);
  });

  it('forgets a unit on request (the periodic re-read), and a read begun before is not stored', () => {
    const cache = new PastWindowSums();
    cache.store(cache.generation(), today, ['A', 'B'], new Map([['A', counts(5)]]));
    const from = cache.generation();
    cache.forget('A');
    expect(cache.get('A', today)).toBeUndefined();
    expect(cache.get('B', today)).toEqual(new Map());
    cache.store(from, today, ['A'], new Map([['A', counts(5)]]));
    expect(cache.get('A', today)).toBeUndefined();
  });
});
