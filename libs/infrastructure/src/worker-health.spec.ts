import type { ConsumerHealth, PartitionHealth } from '@tthc/messaging';
import { type Probe, workerHealthReport } from './worker-health';

const up: Probe = { ok: true };
const down: Probe = { ok: false, error: 'connect ECONNREFUSED 127.0.0.1:5432' };
const consumer = (over: Partial<ConsumerHealth> = {}): ConsumerHealth => ({
  topic: 'tthc.dossier.events',
  groupId: 'tthc-ingest',
  joined: true,
  crashed: false,
  lastBatchAt: null,
  failingAttempts: 0,
  isolated: 0,
  partitions: [],
  ...over,
});
const partition = (stuck: boolean): PartitionHealth => ({
  partition: 2,
  nextOffset: '10',
  highWatermark: '50',
  lag: 40,
  lastAdvanceAt: '2026-11-30T03:00:00.000Z',
  failingAttempts: 6,
  lastError: '08006: connection lost',
  stuck,
});

describe('workerHealthReport', () => {
  it.each<[string, Probe, Probe, ConsumerHealth[], 'ok' | 'unavailable']>([
    ['dependencies up, consumer in its group', up, up, [consumer()], 'ok'],
    ['no consumer at all (nothing to wait for)', up, up, [], 'ok'],
    ['a consumer retrying a batch, dependencies up (a slow batch, not an outage)', up, up, [consumer({ failingAttempts: 2 })], 'ok'],
    ['PostgreSQL unreachable', down, up, [consumer()], 'unavailable'],
    ['Redis unreachable', up, down, [consumer()], 'unavailable'],
    ['a consumer not (yet, or no longer) in its group', up, up, [consumer(), consumer({ topic: 'x', joined: false })], 'unavailable'],
    ['a consumer crashed for good', up, up, [consumer({ crashed: true })], 'unavailable'],
    ['a partition with lag, advancing', up, up, [consumer({ partitions: [partition(false)] })], 'ok'],
    ['a partition stuck (lag without progress, or failing for ever)', up, up, [consumer({ partitions: [partition(false), partition(true)] })], 'unavailable'],
  ])('%s → %s', (_name, postgres, redis, consumers, status) => {
    const report = workerHealthReport(postgres, redis, consumers);
    expect(report.status).toBe(status);
    expect(report.postgres).toEqual(postgres);
  });
});
