import { parseArgs } from 'node:util';

/** Command lines of the file modes (issue 6): pure parsing, tested without a process. */
export const FILE_USAGE = `Usage:
  node dist/apps/simulator/src/main.js file --from YYYY-MM-DD --to YYYY-MM-DD --out <dir>
        [--seed 86] [--rate-scale 1] [--v2-share 0] [--no-disorder] [--province 86|all]
      writes <dir>/events.ndjson (one Kafka record per line, with duplicates, re-sends,
      reordering, late arrivals and malformed lines) and <dir>/ground-truth.json (per unit,
      per local day counters of the clean feed, counted from the simulator's dossier model);
      --province all: the national catalogue (every commune and provincial centre) — scale
      the volume with --rate-scale; --v2-share: share of units whose source speaks event
      contract v2 (default 0, the benchmarks' v1 feed); ground-truth.json then carries the
      indicator totals too
  node dist/apps/simulator/src/main.js produce --file <dir>/events.ndjson [--topic T]
        [--batch 5000] [--in-flight 6]
      sends the file to Kafka as fast as the broker takes it (acks -1); prints one JSON line
      {"records","ms","perSecond"} on stdout

Environment: KAFKA_BROKERS (default 127.0.0.1:9092), TOPIC_EVENTS (default tthc.dossier.events)
`;

export interface FileModeOptions {
  command: 'file';
  from: string;
  to: string;
  out: string;
  seed: number;
  rateScale: number;
  /** Share of the units whose source speaks contract v2 (issue 15). */
  v2Share: number;
  disorder: boolean;
  /** The unit catalogue: a province's NSO code, or `all` for the country. */
  province: string;
}

export interface ProduceModeOptions {
  command: 'produce';
  file: string;
  topic: string;
  brokers: string;
  batchSize: number;
  inFlight: number;
}

export type ParsedFileArgs = { kind: 'run'; options: FileModeOptions | ProduceModeOptions } | { kind: 'help' } | { kind: 'error'; message: string };

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (s: string): boolean => DATE_RE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

function int(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number | string {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : `${flag} must be an integer ${min}..${max}, got "${raw}"`;
}

export function parseFileArgs(argv: readonly string[], env: Record<string, string | undefined>): ParsedFileArgs {
  const [command, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      strict: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        'rate-scale': { type: 'string' },
        'v2-share': { type: 'string' },
        'no-disorder': { type: 'boolean' },
        province: { type: 'string' },
        file: { type: 'string' },
        topic: { type: 'string' },
        batch: { type: 'string' },
        'in-flight': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (values.help) return { kind: 'help' };
  const str = (k: string): string | undefined => values[k] as string | undefined;

  if (command === 'file') {
    const from = str('from');
    const to = str('to');
    const out = str('out');
    if (!from || !isDate(from)) return { kind: 'error', message: `--from must be a date YYYY-MM-DD, got ${JSON.stringify(from)}` };
    if (!to || !isDate(to)) return { kind: 'error', message: `--to must be a date YYYY-MM-DD, got ${JSON.stringify(to)}` };
    if (from > to) return { kind: 'error', message: `--from (${from}) is after --to (${to})` };
    if (!out) return { kind: 'error', message: '--out <dir> is required' };
    const seed = int('--seed', str('seed'), 86, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (typeof seed === 'string') return { kind: 'error', message: seed };
    const rawScale = str('rate-scale') ?? '1';
    const rateScale = Number(rawScale);
    if (!(rawScale.trim() !== '' && Number.isFinite(rateScale) && rateScale >= 0 && rateScale <= 100_000)) {
      return { kind: 'error', message: `--rate-scale must be a number 0..100000, got "${rawScale}"` };
    }
    const rawShare = str('v2-share') ?? '0';
    const v2Share = Number(rawShare);
    if (!(rawShare.trim() !== '' && v2Share >= 0 && v2Share <= 1)) return { kind: 'error', message: `--v2-share must be a share 0..1, got "${rawShare}"` };
    const province = str('province') ?? '86';
    if (!/^(\d{2}|all)$/.test(province)) return { kind: 'error', message: `--province must be a 2-digit province code or "all", got "${province}"` };
    return { kind: 'run', options: { command: 'file', from, to, out, seed, rateScale, v2Share, disorder: !values['no-disorder'], province } };
  }
  if (command === 'produce') {
    const file = str('file');
    if (!file) return { kind: 'error', message: '--file <events.ndjson> is required' };
    const batchSize = int('--batch', str('batch'), 5_000, 1, 100_000);
    const inFlight = int('--in-flight', str('in-flight'), 6, 1, 64);
    for (const v of [batchSize, inFlight]) if (typeof v === 'string') return { kind: 'error', message: v };
    return {
      kind: 'run',
      options: {
        command: 'produce',
        file,
        topic: str('topic') ?? (env.TOPIC_EVENTS || 'tthc.dossier.events'),
        brokers: env.KAFKA_BROKERS || '127.0.0.1:9092',
        batchSize: batchSize as number,
        inFlight: inFlight as number,
      },
    };
  }
  return { kind: 'error', message: `unknown command "${command ?? ''}" (expected file or produce)` };
}
