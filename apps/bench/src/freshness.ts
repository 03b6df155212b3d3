import { randomUUID } from 'node:crypto';
import type { Message, Producer } from 'kafkajs';

export interface FreshnessResult {
  rate: number;
  seconds: number;
  sent: number;
  markers: number;
  seen: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** What the poller read: `GET /metrics/live` with this query string ('' for every served province). */
  apiQuery: string;
  /** CPU cores each process used through the phase (CPU seconds ÷ wall seconds; `phaseCpuSeconds`). */
  cpuCores?: Record<string, number>;
  /** The same markers at points along the way (FreshnessProbe), in pipeline order. */
  stages?: { name: string; seen: number; p50Ms: number; p99Ms: number }[];
}

/**
 * A point along the pipeline where markers can be seen before the API shows them (the validated
 * topic, the published unit metrics): `seenAt` is when marker `index` (dossier `dossierId`) got
 * there, or undefined if it has not.
 */
export interface FreshnessProbe {
  name: string;
  /** Called once the API's count before any marker is known (`base`), before the first send. */
  begin(base: number): void;
  seenAt(index: number, dossierId: string): number | undefined;
}

const localIso = (ms: number): string => new Date(ms + 7 * 3_600_000).toISOString().replace('Z', '+07:00');

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface LiveBody {
  units: { unitCode: string; today: { receivedTotal: number } }[];
}

/**
 * Produces RECEIVED events for "now" at a steady `rate` for `seconds`; about 20 a second are
 * markers for `markerUnit`, which no other event touches. A poller reads GET /api/v1/metrics/live
 * back to back; marker k is visible once the unit's today.receivedTotal reaches k. The latency
 * of a marker is from just before its send to the first poll that shows it.
 */
export async function measureFreshness(opts: {
  producer: Producer;
  topic: string;
  apiBase: string;
  apiKey: string;
  markerUnit: string;
  /** The marker unit's province: nationally the poller reads only it (`?provinceCode=`), as that province's screen does. */
  markerProvince?: string;
  loadUnits: string[];
  rate: number;
  seconds: number;
  runId: string;
  probes?: FreshnessProbe[];
}): Promise<FreshnessResult> {
  const { producer, topic, markerUnit, loadUnits, rate, seconds } = opts;
  const apiQuery = opts.markerProvince === undefined ? '' : `?provinceCode=${opts.markerProvince}`;
  const readCount = async (): Promise<number> => {
    const res = await fetch(`${opts.apiBase}/api/v1/metrics/live${apiQuery}`, { headers: { 'X-API-Key': opts.apiKey } });
    if (!res.ok) throw new Error(`GET /metrics/live${apiQuery}: ${res.status}`);
    const body = (await res.json()) as LiveBody;
    return body.units.find((u) => u.unitCode === markerUnit)?.today.receivedTotal ?? 0;
  };
  // A build from before ?provinceCode= (`--before`) ignores it and answers every province, as it did then.
  const base = await readCount();
  for (const probe of opts.probes ?? []) probe.begin(base);
  const sentAt: number[] = [];
  const markerIds: string[] = [];
  const latencies: number[] = [];
  let loadDone = false;
  let seen = 0;

  const poller = (async () => {
    let graceUntil = Infinity;
    while (Date.now() < graceUntil) {
      const count = (await readCount().catch(() => base + seen)) - base;
      const now = Date.now();
      for (; seen < Math.min(count, sentAt.length); seen++) latencies.push(now - sentAt[seen]);
      if (loadDone && graceUntil === Infinity) graceUntil = now + 10_000;
      if (loadDone && seen >= sentAt.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  const markerEvery = Math.max(1, Math.round(rate / 20));
  // Dossier ids of this call's own: a second rate in the same run reused the first one's ids, so
  // its markers that landed on an earlier marker dossier were a re-sent RECEIVED (no new receipt):
  // 30 of 300 never counted at 5,000/s, and every later latency was read 30 markers (1.5 s) late.
  const phase = randomUUID().slice(0, 8);
  const started = Date.now();
  let sent = 0;
  let n = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    const messages: Message[] = [];
    const markerTimes: number[] = [];
    for (; sent < due; sent++) {
      const marker = sent % markerEvery === 0;
      const now = Date.now();
      const unitCode = marker ? markerUnit : loadUnits[sent % loadUnits.length];
      const dossierId = `BENCH-${opts.runId}-${phase}-${n++}`;
      messages.push({
        key: dossierId,
        value: JSON.stringify({
          eventId: randomUUID(),
          schemaVersion: 1,
          type: 'RECEIVED',
          dossierId,
          unitCode,
          procedureCode: '1.001612',
          occurredAt: localIso(now),
          channel: 'ONLINE',
          dueAt: localIso(now + 5 * 86_400_000),
        }),
      });
      if (marker) {
        markerTimes.push(now);
        markerIds.push(dossierId);
      }
    }
    if (messages.length) {
      const at = Date.now();
      for (let i = 0; i < markerTimes.length; i++) sentAt.push(at);
      await producer.send({ topic, acks: -1, messages });
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  loadDone = true;
  await poller;
  const sorted = [...latencies].sort((a, b) => a - b);
  const stages = (opts.probes ?? []).map((probe) => {
    const at = sentAt.map((t, k) => (probe.seenAt(k, markerIds[k]) ?? NaN) - t).filter((ms) => !Number.isNaN(ms));
    at.sort((a, b) => a - b);
    return { name: probe.name, seen: at.length, p50Ms: percentile(at, 50), p99Ms: percentile(at, 99) };
  });
  return {
    rate,
    seconds,
    sent,
    markers: sentAt.length,
    seen,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    apiQuery,
    ...(stages.length ? { stages } : {}),
  };
}
