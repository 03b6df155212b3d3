import { parseFaultsArgs } from './faults-args';

describe('parseFaultsArgs', () => {
  it.each([
    [[], { scenarios: ['kills', 'outages', 'scale-out', 'shutdown'], runs: 1, seed: 86, events: 30_000, short: false, keep: false }],
    [['--short'], { scenarios: ['kills', 'outages', 'scale-out', 'shutdown'], runs: 1, seed: 86, events: 6_000, short: true, keep: false }],
    [['--scenario', 'kills', '--runs', '3', '--seed', '7', '--events', '20000'], { scenarios: ['kills'], runs: 3, seed: 7, events: 20_000, short: false, keep: false }],
    [['--scenario', 'kills,scale-out'], { scenarios: ['kills', 'scale-out'], runs: 1, seed: 86, events: 30_000, short: false, keep: false }],
    [['--short', '--events', '9000', '--keep'], { scenarios: ['kills', 'outages', 'scale-out', 'shutdown'], runs: 1, seed: 86, events: 9_000, short: true, keep: true }],
  ])('%j', (argv, expected) => {
    expect(parseFaultsArgs(argv)).toEqual(expected);
  });

  it.each([
    [['--scenario', 'meteor'], /--scenario must be one of/],
    [['--scenario', 'kills,meteor'], /got "meteor"/],
    [['--runs', '0'], /--runs must be an integer 1\.\.100/],
    [['--events', '12.5'], /--events must be an integer/],
    [['--seed=-1'], /--seed must be an integer/],
    [['--bogus'], /Unknown option/],
  ])('%j is refused', (argv, message) => {
    const parsed = parseFaultsArgs(argv);
    expect(parsed).toEqual({ error: expect.stringMatching(message) });
  });

  it('--help', () => {
    expect(parseFaultsArgs(['--help'])).toBe('help');
  });
});
