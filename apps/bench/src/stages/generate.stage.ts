import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Message } from 'kafkajs';
import { addDays, localDayOf } from '@tthc/domain';
import type { BenchOptions } from '../bench-args';
import { appScript } from '../bench-env';
import { log } from '../bench-kit';
import type { GroundTruthFile } from '../ground-truth-check';

const run = promisify(execFile);

export interface Feed {
  from: string;
  to: string;
  /** events.ndjson: one Kafka record per line, as the simulator writes it. */
  file: string;
  dir: string;
  truth: GroundTruthFile;
  records: number;
}

/** Stage 1: the period ending yesterday, written by `simulator file`, with its ground truth. */
export async function generateFeed(opts: BenchOptions, dir: string, now = Date.now()): Promise<Feed> {
  const to = addDays(localDayOf(now), -1);
  const from = addDays(to, -(opts.days - 1));
  log(`generating ${from} … ${to} (seed ${opts.seed}, rate scale ${opts.rateScale.toFixed(3)}, units ${opts.province === 'all' ? 'national' : `province ${opts.province}`})`);
  const started = Date.now();
  await run(
    process.execPath,
    [appScript('simulator'), 'file', '--from', from, '--to', to, '--seed', String(opts.seed), '--rate-scale', String(opts.rateScale), '--province', opts.province, '--out', dir],
    { maxBuffer: 1 << 20 },
  );
  const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as GroundTruthFile;
  log(`file: ${truth.lines} records (${JSON.stringify(truth.transport)}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { from, to, file: join(dir, 'events.ndjson'), dir, truth, records: truth.lines };
}

/** The file's records as kafkajs messages (for the ceilings and the naive baseline). */
export function loadMessages(file: string, limit = Infinity): Message[] {
  const out: Message[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as { key: string; value: string };
    out.push({ key: r.key, value: r.value });
    if (out.length >= limit) break;
  }
  return out;
}
