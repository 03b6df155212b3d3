/** Command line of the simulator: pure parsing, so it can be tested without a process. */

export const USAGE = `Usage: node dist/apps/simulator/src/main.js live [options]

Produces a seeded, calibrated Vĩnh Long dossier feed to Kafka: first the backfill (the last
--backfill-days days, as fast as the broker takes it unless --speed says otherwise), then live at
real time. No event is ever dated after the real clock.

Options:
  --seed <int>            PRNG seed; the same seed gives the same events (default 86)
  --backfill-days <n>     days of history produced first, 0..366 (default 30)
  --speed <x|max>         during the backfill, simulated seconds per wall second (default max);
                          once caught up with the real clock the feed runs at real time
  --rate-scale <x>        multiplies the calibrated volume (~3,784 dossiers a day) (default 1)
  --v2-share <x>          share of the units whose source speaks event contract v2 (PAID,
                          RATED, feedback, full-online and digitisation fields), 0..1; the
                          others are old v1 sources (default 0.5). v1 facts do not depend on it
  --noise / --no-noise    add ~0.5% exact duplicate sends and ~0.1% truncated JSON messages,
                          to exercise duplicate handling and the DLQ (default on)
  -h, --help              this text

Environment:
  KAFKA_BROKERS   comma-separated brokers (default 127.0.0.1:9092)
  TOPIC_EVENTS    topic to produce to (default tthc.dossier.events)
  LOG_LEVEL       pino level (default info)
`;

export interface LiveOptions {
  command: 'live';
  seed: number;
  backfillDays: number;
  /** Simulated ms per wall ms while catching up with the real clock; 'max' = unthrottled. */
  speed: number | 'max';
  rateScale: number;
  /** Share of the units whose source speaks contract v2 (issue 15). */
  v2Share: number;
  noise: boolean;
  brokers: string;
  topic: string;
  logLevel: string;
}

export type ParsedArgs = { kind: 'run'; options: LiveOptions } | { kind: 'help' } | { kind: 'error'; message: string };

const VALUE_FLAGS = new Set(['--seed', '--backfill-days', '--speed', '--rate-scale', '--v2-share']);

function number(flag: string, raw: string, check: (n: number) => boolean, expected: string): number | string {
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) && check(n) ? n : `${flag} must be ${expected}, got "${raw}"`;
}

export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined>): ParsedArgs {
  const values = new Map<string, string>();
  let noise = true;
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--noise') noise = true;
    else if (arg === '--no-noise') noise = false;
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const flag = eq > 0 ? arg.slice(0, eq) : arg;
      if (!VALUE_FLAGS.has(flag)) return { kind: 'error', message: `unknown option ${flag}` };
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) return { kind: 'error', message: `${flag} needs a value` };
      values.set(flag, value);
    } else if (command === undefined) command = arg;
    else return { kind: 'error', message: `unexpected argument "${arg}"` };
  }
  if (command === undefined) return { kind: 'error', message: 'missing command (live)' };
  if (command !== 'live') return { kind: 'error', message: `unknown command "${command}" (expected live)` };

  const seed = number('--seed', values.get('--seed') ?? '86', Number.isSafeInteger, 'an integer');
  const backfillDays = number('--backfill-days', values.get('--backfill-days') ?? '30', (n) => n >= 0 && n <= 366, 'a number of days 0..366');
  const rateScale = number('--rate-scale', values.get('--rate-scale') ?? '1', (n) => n >= 0 && n <= 1000, 'a number 0..1000');
  const v2Share = number('--v2-share', values.get('--v2-share') ?? '0.5', (n) => n >= 0 && n <= 1, 'a share 0..1');
  const rawSpeed = values.get('--speed') ?? 'max';
  const speed = rawSpeed === 'max' ? 'max' : number('--speed', rawSpeed, (n) => n >= 1, 'a number ≥ 1 or "max"');
  for (const v of [seed, backfillDays, rateScale, v2Share, speed]) {
    if (typeof v === 'string' && v !== 'max') return { kind: 'error', message: v };
  }
  return {
    kind: 'run',
    options: {
      command: 'live',
      seed: seed as number,
      backfillDays: backfillDays as number,
      speed: speed as number | 'max',
      rateScale: rateScale as number,
      v2Share: v2Share as number,
      noise,
      brokers: env.KAFKA_BROKERS || '127.0.0.1:9092',
      topic: env.TOPIC_EVENTS || 'tthc.dossier.events',
      logLevel: env.LOG_LEVEL || 'info',
    },
  };
}
