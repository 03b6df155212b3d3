import { groupDueAt } from './alert-group-timing';

const timing = { waitMs: 30_000, intervalMs: 300_000 };
const T = 1_000_000_000;

describe('groupDueAt', () => {
  it.each<[string, number, Parameters<typeof groupDueAt>[1], number]>([
    ['a first breach waits group_wait', T, undefined, T + 30_000],
    ['a breach long after the last notification waits group_wait only', T, { at: T - 3_600_000, continues: false }, T + 30_000],
    ['a breach soon after a notification waits for the interval to end', T, { at: T - 60_000, continues: false }, T - 60_000 + 300_000],
    ['the wait ends after the interval when the breach came just before the interval ended', T, { at: T - 290_000, continues: false }, T + 30_000],
    ['the rest of a notification too long for one message goes at once', T, { at: T - 1, continues: true }, T - 1],
  ])('%s', (_, oldest, last, expected) => {
    expect(groupDueAt(oldest, last, timing)).toBe(expected);
  });

  it('with no wait and no interval, every round notifies what is pending', () => {
    expect(groupDueAt(T, { at: T, continues: false }, { waitMs: 0, intervalMs: 0 })).toBe(T);
  });
});
