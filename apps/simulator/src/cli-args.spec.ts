import { parseCliArgs } from './cli-args';

describe('parseCliArgs', () => {
  it('has the defaults up.sh relies on', () => {
    expect(parseCliArgs(['live'], {})).toEqual({
      kind: 'run',
      options: {
        command: 'live',
        seed: 86,
        backfillDays: 30,
        speed: 'max',
        rateScale: 1,
        v2Share: 0.5,
        noise: true,
        brokers: '127.0.0.1:9092',
        topic: 'tthc.dossier.events',
        logLevel: 'info',
      },
    });
  });

  it('reads options in both --flag value and --flag=value forms, and the environment', () => {
    const parsed = parseCliArgs(['live', '--seed', '7', '--speed=60', '--rate-scale', '0.5', '--backfill-days', '0', '--no-noise'], {
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      TOPIC_EVENTS: 'scratch.events',
    });
    expect(parsed).toMatchObject({
      kind: 'run',
      options: { seed: 7, speed: 60, rateScale: 0.5, v2Share: 0.5, backfillDays: 0, noise: false, brokers: 'k1:9092,k2:9092', topic: 'scratch.events' },
    });
  });

  it('says what is wrong', () => {
    expect(parseCliArgs([], {})).toEqual({ kind: 'error', message: 'missing command (live)' });
    expect(parseCliArgs(['replay'], {})).toMatchObject({ kind: 'error', message: expect.stringContaining('replay') });
    expect(parseCliArgs(['live', '--speed', 'fast'], {})).toMatchObject({ kind: 'error', message: expect.stringContaining('--speed') });
    expect(parseCliArgs(['live', '--speed', '0'], {})).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['live', '--seed', '1.5'], {})).toMatchObject({ kind: 'error', message: expect.stringContaining('--seed') });
    expect(parseCliArgs(['live', '--backfill-days', '-1'], {})).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['live', '--seed'], {})).toEqual({ kind: 'error', message: '--seed needs a value' });
    expect(parseCliArgs(['live', '--bogus'], {})).toEqual({ kind: 'error', message: 'unknown option --bogus' });
    expect(parseCliArgs(['live', '--help'], {})).toEqual({ kind: 'help' });
  });
});
