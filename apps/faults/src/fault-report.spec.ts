import { formatTable, recoverySummary, rowPassed } from './fault-report';

describe('the fault report', () => {
  it.each([
    [[], '–'],
    [[12_340], '12.3 s'],
    [[3_000, 1_000, 2_000], '2.0 s (max 3.0 s)'],
    [[4_000, 1_000], '2.5 s (max 4.0 s)'],
  ])('recovery over runs %j: %s', (ms, expected) => {
    expect(recoverySummary(ms)).toBe(expected);
  });

  it('one Markdown row per scenario; a run that threw shows its error instead of a count', () => {
    const table = formatTable([
      { scenario: 'kills', command: 'npm run faults -- --scenario kills', runs: 2, faults: 30, events: 61_234, differences: 0, recoverMs: [5_000, 7_000], notes: [] },
      { scenario: 'outages', command: 'npm run faults -- --scenario outages', runs: 0, faults: 0, events: 0, differences: 0, recoverMs: [], notes: [], error: 'broker did not start' },
    ]);
    expect(table.split('\n').slice(2, 4)).toEqual([
      '| kills | `npm run faults -- --scenario kills` | 2 | 30 | 61,234 | 0 | 6.0 s (max 7.0 s) |',
      '| outages | `npm run faults -- --scenario outages` | 0 | 0 | 0 | failed: broker did not start | – |',
    ]);
  });

  it.each([
    [0, undefined, true],
    [1, undefined, false],
    [0, 'timed out', false],
  ])('%i differences, error %s: passed %s', (differences, error, passed) => {
    expect(rowPassed({ scenario: 's', command: 'c', runs: 1, faults: 1, events: 1, differences, recoverMs: [], notes: [], error })).toBe(passed);
  });
});
