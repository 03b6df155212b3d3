import { NATIONAL_VOLUME_FACTOR, parseBenchArgs, wholeRunOrder } from './bench-args';

describe('npm run bench options', () => {
  const parse = (...argv: string[]) => {
    const o = parseBenchArgs(argv);
    if (o === 'help') throw new Error('help');
    return o;
  };

  it('times whole runs on a backlog, as the Kafka Streams baseline is timed, unless --live', () => {
    expect(parse().backlog).toBe(true);
    expect(parse('--live').backlog).toBe(false);
  });

  it('defaults to a province-quarter, three runs, the baseline and the staged run', () => {
    expect(parse()).toMatchObject({ days: 92, runs: 3, baseline: true, staged: true, province: '86', rateScale: 1 });
    expect(parse('--quick')).toMatchObject({ days: 14, runs: 1 });
  });

  it('runs one aggregator, as npm run up does, unless --aggregators says how many share its consumer group', () => {
    expect(parse().aggregators).toBe(1);
    expect(parse('--aggregators', '2').aggregators).toBe(2);
    expect(() => parse('--aggregators', '0')).toThrow('--aggregators must be a positive number, got "0"');
  });

  it('starts every aggregator with the other apps unless --scale-out-after says how much later the second and next join', () => {
    expect(parse('--aggregators', '2').scaleOutAfterSeconds).toBe(0);
    expect(parse('--aggregators', '2', '--scale-out-after', '12').scaleOutAfterSeconds).toBe(12);
    expect(() => parse('--scale-out-after', '12')).toThrow('--scale-out-after needs --aggregators 2 or more');
    expect(() => parse('--aggregators', '2', '--scale-out-after', '0')).toThrow('--scale-out-after must be a positive number, got "0"');
  });

  it('stands in for autovacuum on a server without it unless --no-vacuum', () => {
    expect(parse().vacuum).toBe(true);
    expect(parse('--no-vacuum').vacuum).toBe(false);
  });

  it('sizes a national run at 27× the province over the national catalogue', () => {
    expect(parse('--national', '--days', '7')).toMatchObject({ province: 'all', days: 7, rateScale: NATIONAL_VOLUME_FACTOR });
  });

  it('refuses what it cannot use, naming the option', () => {
    expect(() => parse('--runs', 'many')).toThrow('--runs must be a positive number, got "many"');
    expect(() => parse('--days=0')).toThrow('--days must be a positive number, got "0"');
    expect(() => parse('--no-such-option')).toThrow();
  });
});

describe('wholeRunOrder', () => {
  it('alternates which build runs first, so neither always meets the cold broker', () => {
    expect([0, 1, 2, 3].map((i) => wholeRunOrder(i, true))).toEqual([
      ['before', 'this build'],
      ['this build', 'before'],
      ['before', 'this build'],
      ['this build', 'before'],
    ]);
    expect(wholeRunOrder(1, false)).toEqual(['this build']);
  });
});
