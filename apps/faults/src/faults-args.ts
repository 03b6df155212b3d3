import { parseArgs } from 'node:util';

export const SCENARIOS = ['kills', 'outages', 'scale-out', 'shutdown'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const FAULTS_USAGE = `Usage: npm run faults -- [options]
  (node dist/apps/faults/src/main.js after npm run build)

Streams a seeded Vĩnh Long feed with ground truth through the four apps run as processes on a
private Kafka broker, PostgreSQL cluster and Redis it starts itself, injects faults mid-stream,
lets the pipeline settle and checks it is exact. Exit 1 on any difference.

  --scenario NAME   ${SCENARIOS.join(' | ')}, several comma-separated, or all (default all)
                      kills      SIGKILL of ingest, aggregator and notifier mid-batch (5 each; --short: 1)
                      outages    PostgreSQL stopped 20 s, the broker kill -9 and restarted, Redis killed (flushed)
                      scale-out  3 ingest + 3 aggregator instances, one of each killed, one added,
                                 partitions added to both topics mid-stream
                      shutdown   SIGTERM of each worker during a backlog (bounded, clean exit);
                                 workers started before the broker wait and retry
  --runs N          runs of each scenario, a new feed seed each run (default 1)
  --seed N          first seed (default 86)
  --events N        events per run, about (default 30000; --short 6000)
  --short           the CI profile: fewer events, one kill per app, one rebalance, a 5 s database outage
  --keep            keep the work directory (logs of every app instance) after a passing run
  --help
`;

export interface FaultsOptions {
  scenarios: ScenarioName[];
  runs: number;
  seed: number;
  events: number;
  short: boolean;
  keep: boolean;
}

export function parseFaultsArgs(argv: readonly string[]): FaultsOptions | 'help' | { error: string } {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        scenario: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        events: { type: 'string' },
        short: { type: 'boolean' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (values.help) return 'help';
  const int = (flag: string, fallback: number, min: number, max: number): number | { error: string } => {
    const raw = values[flag] as string | undefined;
    if (raw === undefined) return fallback;
    const n = Number(raw);
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : { error: `--${flag} must be an integer ${min}..${max}, got "${raw}"` };
  };
  const short = values.short === true;
  const scenario = (values.scenario as string | undefined) ?? 'all';
  const named = scenario === 'all' ? [...SCENARIOS] : scenario.split(',');
  const unknown = named.find((n) => !SCENARIOS.includes(n as ScenarioName));
  if (unknown !== undefined) return { error: `--scenario must be one of ${SCENARIOS.join(', ')} (comma-separated) or all, got "${unknown}"` };
  const runs = int('runs', 1, 1, 100);
  const seed = int('seed', 86, 0, 2 ** 31 - 1);
  const events = int('events', short ? 6_000 : 30_000, 1_000, 2_000_000);
  for (const v of [runs, seed, events]) if (typeof v !== 'number') return v;
  return {
    scenarios: named as ScenarioName[],
    runs: runs as number,
    seed: seed as number,
    events: events as number,
    short,
    keep: values.keep === true,
  };
}
