import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { KafkaMessage } from 'kafkajs';
import { diffDayCounters } from '@tthc/process-kit';
import { COUNTERS, type FaultFeed, type GroundTruthFile, appScript } from './fault-feed';
import { log, waitUntil } from './fault-log';
import type { FaultPipeline } from './fault-pipeline';

const run = promisify(execFile);

/** One thing found wrong after a run; `differences` counts them. */
export interface Difference {
  check: 'counters' | 'raw-log' | 'verify' | 'dlq' | 'alerts' | 'live' | 'startup' | 'shutdown';
  detail: string;
}

/**
 * Every check of a settled run: the day counters in PostgreSQL equal the ground truth for every
 * (unit, day, field); the raw log holds each distinct event once; `verify` (the auditors'
 * command, run as a process) finds no difference over the period; the DLQ holds exactly the bad
 * events; no alert transition went out twice under different ids; the live snapshot (through
 * GET /metrics/live when an api runs) equals the ground truth over its windows.
 */
export async function checkRun(p: FaultPipeline, feed: FaultFeed, apiBase?: string): Promise<Difference[]> {
  const out: Difference[] = [];
  out.push(...(await checkCounters(p, feed.truth)));
  out.push(...(await checkVerify(p, feed.truth)));
  out.push(...(await checkDlq(p, feed)));
  out.push(...(await checkAlerts(p)));
  if (apiBase) out.push(...(await checkLive(apiBase, feed.truth)));
  const [seen] = await p.sql<{ raw: number; rejected: number; transitions: number; days: number }>(
    `SELECT (SELECT count(*)::int FROM raw_events) AS raw, (SELECT count(*)::int FROM rejected_events) AS rejected,
            (SELECT count(*)::int FROM alert_transitions) AS transitions, (SELECT count(*)::int FROM unit_daily_counters) AS days`,
  );
  log(`  checked: ${seen.days} unit-days, ${seen.raw} raw events, ${seen.rejected} dead letters, ${seen.transitions} alert transitions${apiBase ? ', the live snapshot' : ''}`);
  return out;
}

async function checkCounters(p: FaultPipeline, truth: GroundTruthFile): Promise<Difference[]> {
  const { differences } = await diffDayCounters((text, params) => p.sql(text, params), truth);
  const out: Difference[] = differences.map((d) => ({ check: 'counters', detail: `${d.unitCode}|${d.day} ${d.field}: expected ${d.expected}, stored ${d.actual}` }));
  const [raw] = await p.sql<{ n: number }>(`SELECT count(*)::int AS n FROM raw_events`);
  if (raw.n !== truth.expected.rawEvents) out.push({ check: 'raw-log', detail: `raw_events holds ${raw.n} events, expected ${truth.expected.rawEvents}` });
  return out;
}

/** `node dist/apps/cli/src/main.js verify` over the period, as an auditor runs it. */
async function checkVerify(p: FaultPipeline, truth: GroundTruthFile): Promise<Difference[]> {
  const result = await run(process.execPath, [appScript('cli'), 'verify', '--from', truth.from, '--to', truth.to], { env: { ...p.env, LOG_LEVEL: 'warn' }, maxBuffer: 64 << 20 }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code?: number; stdout?: string }) => ({ code: e.code ?? 1, stdout: e.stdout ?? '' }),
  );
  let report: { differences?: unknown[]; rowsCompared?: number } = {};
  try {
    report = JSON.parse(result.stdout) as typeof report;
  } catch {
    return [{ check: 'verify', detail: `verify exited ${result.code} without a report` }];
  }
  const n = report.differences?.length ?? -1;
  if (result.code === 0 && n === 0 && (report.rowsCompared ?? 0) > 0) return [];
  return [{ check: 'verify', detail: `verify exited ${result.code} with ${n} differences over ${report.rowsCompared} unit-days: ${JSON.stringify(report.differences?.slice(0, 3))}` }];
}

/**
 * The DLQ topic against the bad events: every dead letter's original bytes are one of the bad
 * values, and every bad value is there (a record dead-lettered twice after a crash between the
 * send and the commit is the same value, so it is counted once). The table `rejected_events`
 * holds one row per bad record.
 */
async function checkDlq(p: FaultPipeline, feed: FaultFeed): Promise<Difference[]> {
  const out: Difference[] = [];
  const dead = await readAll(p, p.topics.dlq);
  const values = new Set(dead.map((m) => m.value?.toString('utf8') ?? ''));
  const notBad = [...values].filter((v) => !feed.badValues.has(v));
  const missing = [...feed.badValues].filter((v) => !values.has(v));
  if (notBad.length) out.push({ check: 'dlq', detail: `${notBad.length} dead letters are not bad events, e.g. ${notBad[0].slice(0, 120)}` });
  if (missing.length) out.push({ check: 'dlq', detail: `${missing.length} bad events are not in the DLQ, e.g. ${missing[0].slice(0, 120)}` });
  const ids = new Set(
    [...values].flatMap((v) => {
      try {
        return [(JSON.parse(v) as { eventId?: string }).eventId ?? ''];
      } catch {
        return [];
      }
    }),
  );
  const lostIds = [...feed.badEventIds].filter((id) => !ids.has(id));
  if (lostIds.length) out.push({ check: 'dlq', detail: `bad events by id missing from the DLQ: ${lostIds.slice(0, 5).join(', ')}` });
  const [rejected] = await p.sql<{ n: number; values: number }>(`SELECT count(*)::int AS n, count(DISTINCT payload)::int AS values FROM rejected_events`);
  if (rejected.values !== feed.badValues.size) out.push({ check: 'dlq', detail: `rejected_events holds ${rejected.values} distinct payloads, expected ${feed.badValues.size}` });
  return out;
}

interface AlertOnWire {
  transitionId: number;
  alertId: string;
  unitCode: string;
  ruleId: string;
  state: string;
  previousState: string | null;
  kind: string;
  value: number | null;
  at: string;
}

/**
 * tthc.alerts: a transition re-sent after a crash comes back under its own transitionId (an
 * idempotent receiver drops it); the same change of the same alert under two ids would be
 * notified twice. So: per alert, each kind of change under one id (a WORSENED once per figure:
 * it may legitimately worsen again); per unit and rule, a new alert only once the previous one
 * was resolved.
 */
async function checkAlerts(p: FaultPipeline): Promise<Difference[]> {
  const out: Difference[] = [];
  const byId = new Map<number, AlertOnWire>();
  for (const m of await readAll(p, p.topics.alerts)) {
    const a = JSON.parse(m.value!.toString('utf8')) as AlertOnWire;
    byId.set(a.transitionId, a);
  }
  const changes = new Map<string, number>();
  for (const a of byId.values()) {
    const key = a.kind === 'WORSENED' || a.kind === 'UNSILENCED' ? `${a.alertId} ${a.kind} ${a.value}` : `${a.alertId} ${a.kind}`;
    const other = changes.get(key);
    if (other !== undefined) out.push({ check: 'alerts', detail: `alert ${key} published as transitions ${other} and ${a.transitionId}` });
    if (other === undefined) changes.set(key, a.transitionId);
  }
  const current = new Map<string, AlertOnWire>();
  for (const a of [...byId.values()].sort((x, y) => x.transitionId - y.transitionId)) {
    const key = `${a.unitCode}/${a.ruleId}`;
    const prev = current.get(key);
    if (prev && prev.alertId !== a.alertId && prev.state !== 'RESOLVED') {
      out.push({ check: 'alerts', detail: `${key}: alert ${a.alertId} (transition ${a.transitionId}) opened while ${prev.alertId} was ${prev.state}` });
    }
    current.set(key, a);
  }
  const [log] = await p.sql<{ n: number }>(`SELECT count(*)::int AS n FROM alert_transitions WHERE published_at IS NOT NULL`);
  if (log.n !== byId.size) out.push({ check: 'alerts', detail: `${log.n} transitions marked published, ${byId.size} distinct on the topic` });
  return out;
}

interface LiveUnit {
  unitCode: string;
  today: Record<string, number | string>;
  monthToDate: Record<string, number | string>;
  rolling30d: Record<string, number | string>;
}

/**
 * GET /metrics/live (Redis) against the ground truth summed over each window the snapshot
 * names: the figures the IOC screen shows. Waits up to a minute for a full refresh of the
 * snapshot (LIVE_REFRESH_MS) after the run.
 */
async function checkLive(apiBase: string, truth: GroundTruthFile): Promise<Difference[]> {
  let last: Difference[] = [];
  try {
    await waitUntil(
      'the live snapshot to equal the ground truth',
      async () => {
        last = liveDifferences(await fetchLive(apiBase), truth);
        return last.length === 0;
      },
      60_000,
      1_000,
    );
  } catch {
    return last.length ? last : [{ check: 'live', detail: 'GET /metrics/live did not answer' }];
  }
  return [];
}

export async function fetchLive(apiBase: string): Promise<{ status: number; body: { units?: LiveUnit[]; status?: string } }> {
  const res = await fetch(`${apiBase}/metrics/live`, { headers: { 'X-API-Key': 'local-ioc-key' }, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as { units?: LiveUnit[] } };
}

export function liveDifferences(live: { status: number; body: { units?: LiveUnit[] } }, truth: GroundTruthFile): Difference[] {
  if (live.status !== 200 || !live.body.units) return [{ check: 'live', detail: `GET /metrics/live answered ${live.status}` }];
  const out: Difference[] = [];
  const shown = new Map(live.body.units.map((u) => [u.unitCode, u]));
  const unitsWithData = new Set(truth.days.map((d) => d.unitCode));
  for (const unit of unitsWithData) {
    const u = shown.get(unit);
    if (!u) {
      out.push({ check: 'live', detail: `${unit} missing from the live snapshot` });
      continue;
    }
    for (const w of ['today', 'monthToDate', 'rolling30d'] as const) {
      const { from, to } = u[w] as { from: string; to: string };
      for (const f of COUNTERS) {
        const expected = truth.days.filter((d) => d.unitCode === unit && d.day >= from && d.day <= to).reduce((s, d) => s + d[f], 0);
        if (Number(u[w][f]) !== expected) out.push({ check: 'live', detail: `${unit} ${w} ${f}: live ${u[w][f]}, expected ${expected}` });
      }
    }
  }
  return out;
}

/** Every record of a topic, read from the beginning to the end offsets it has now. */
export async function readAll(p: FaultPipeline, topic: string, timeoutMs = 120_000): Promise<KafkaMessage[]> {
  const ends = await p.withAdmin((a) => a.fetchTopicOffsets(topic));
  const pending = new Map(ends.filter((o) => Number(o.high) > Number(o.low)).map((o) => [o.partition, Number(o.high)]));
  const seen: KafkaMessage[] = [];
  if (pending.size === 0) return seen;
  const consumer = p.kafka.consumer({ groupId: `faults-${p.id}-reader-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen.length} records of ${topic}, not its end, in ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const end = pending.get(batch.partition);
            if (end === undefined || Number(m.offset) >= end) continue;
            seen.push(m);
            if (Number(m.offset) >= end - 1) pending.delete(batch.partition);
          }
          if (pending.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}
