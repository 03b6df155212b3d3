import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { addDays, localDayOf } from '@tthc/domain';
import { SeededRandom } from './seeded-random';

const run = promisify(execFile);

/** The compiled tree this file runs from: dist/apps/faults/src → dist. */
export const DIST_ROOT = join(__dirname, '..', '..', '..');
export const appScript = (app: string): string => join(DIST_ROOT, 'apps', app, 'src', 'main.js');

import type { GroundTruthFile } from '@tthc/process-kit';
export { COUNTERS, type CounterField, type GroundTruthFile } from '@tthc/process-kit';

export interface FeedRecord {
  key: string | null;
  value: string;
}

export interface FaultFeed {
  truth: GroundTruthFile;
  /** Every record to produce, in order: the simulator's file with the runner's own bad events spliced in. */
  records: FeedRecord[];
  /**
   * Every value that must end in the DLQ: the file's truncated lines (not JSON) and the runner's
   * schema-valid JSON that breaks a rule (an unknown unit, a deadline before receipt, a schema
   * version from the future), each under an eventId of its own.
   */
  badValues: Set<string>;
  badEventIds: Set<string>;
}

/** Vĩnh Long's feed at rate scale 1 over a late-November period: about 5,450 records a day (measured). */
const RECORDS_PER_DAY = 5_450;
const DAYS = 10;

/**
 * A seeded period ending yesterday (local time), written by `simulator file` with its ground
 * truth and the transport's disorder (duplicates, re-sends, reordering, stragglers, truncated
 * lines), sized to about `events` records.
 */
export async function generateFaultFeed(seed: number, events: number, dir: string, now = Date.now()): Promise<FaultFeed> {
  const to = addDays(localDayOf(now), -1);
  const from = addDays(to, -(DAYS - 1));
  const rateScale = (events / (RECORDS_PER_DAY * DAYS)).toFixed(4);
  await run(process.execPath, [appScript('simulator'), 'file', '--from', from, '--to', to, '--seed', String(seed), '--rate-scale', rateScale, '--out', dir], {
    maxBuffer: 1 << 20,
  });
  const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8')) as GroundTruthFile;
  const records: FeedRecord[] = [];
  const badValues = new Set<string>();
  for (const line of readFileSync(join(dir, 'events.ndjson'), 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as FeedRecord;
    records.push(r);
    if (!isJson(r.value)) badValues.add(r.value);
  }
  const badEventIds = new Set<string>();
  const rng = new SeededRandom(seed, 'bad-events');
  const extra = Math.max(6, Math.round(records.length / 2_000));
  for (let i = 0; i < extra; i++) {
    const at = rng.between(0, records.length - 1);
    const source = records[at];
    if (!isJson(source.value)) continue;
    const event = { ...(JSON.parse(source.value) as Record<string, unknown>), eventId: rng.uuid() };
    const broken = i % 3 === 0 ? { ...event, unitCode: '99999' } : i % 3 === 1 ? { ...event, schemaVersion: 99 } : { ...event, type: 'RECEIVED', dueAt: '2000-01-02T00:00:00+07:00' };
    const value = JSON.stringify(broken);
    records.splice(at + 1, 0, { key: source.key, value });
    badValues.add(value);
    badEventIds.add(broken.eventId);
  }
  return { truth, records, badValues, badEventIds };
}

function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}
