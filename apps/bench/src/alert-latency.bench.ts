import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Partitioners } from 'kafkajs';
import { createKafka } from '@tthc/messaging';
import { createLogger } from '@tthc/platform';
import { BenchEnv, PIPELINE_APPS } from './bench-env';

/**
 * Issue 3's benchmark: time from producing the event that crosses the online-rate threshold to
 * the alert arriving on the SSE stream, over many crossings, on the four apps as separate
 * processes (built dist, production defaults except the settings printed below).
 *
 * Each crossing is one unit's batch of dossiers: 40 received, 20 online (50 % < 80 %) → OPEN;
 * then 200 online (92 % ≥ 82 %) → RESOLVED. The clock starts just before the batch is sent and
 * stops when the matching SSE event is parsed. Crossings run one at a time, so each measures
 * latency, not queueing behind the previous one.
 *
 *   npm run build && node dist/apps/bench/src/alert-latency.bench.js [--crossings 200] [--port N]
 */
const { values } = parseArgs({
  options: { crossings: { type: 'string', default: '200' }, port: { type: 'string' }, out: { type: 'string', default: 'bench-results' } },
});
const CROSSINGS = Number(values.crossings);
let PORT = Number(values.port ?? 0);
const KEY = 'local-ioc-key';

interface Arrival {
  unitCode: string;
  state: string;
  receivedAt: number;
}

function openStream(onEvent: (a: Arrival) => void): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: PORT, path: `/api/v1/alerts/stream?apiKey=${KEY}` }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
          buffer = buffer.slice(end + 2);
          if (data) {
            const m = JSON.parse(data) as { unitCode: string; state: string };
            onEvent({ unitCode: m.unitCode, state: m.state, receivedAt: performance.now() });
          }
        }
      });
      resolve(res);
    }).on('error', reject);
  });
}

/** A port nobody listens on now (asked of the kernel), for the api when --port is not given. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitHealthy(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${PORT}/api/v1/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('the api did not become healthy');
    await new Promise((r) => setTimeout(r, 250));
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function events(unitCode: string, total: number, online: number): { key: string; value: string }[] {
  const at = new Date(Date.now() - 60_000).toISOString();
  const due = new Date(Date.now() + 5 * 86_400_000).toISOString();
  return Array.from({ length: total }, (_, i) => {
    const dossierId = `lat-${randomUUID()}`;
    const e = { eventId: randomUUID(), schemaVersion: 1, type: 'RECEIVED', dossierId, unitCode, procedureCode: '1.001612', occurredAt: at, channel: i < online ? 'ONLINE' : 'DIRECT', dueAt: due };
    return { key: dossierId, value: JSON.stringify(e) };
  });
}

async function main(): Promise<void> {
  if (!PORT) PORT = await freePort();
  const kafka = createKafka(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', 'bench-alert-latency', createLogger('bench', 'error'));
  const logDir = mkdtempSync(join(tmpdir(), 'tthc-alert-bench-'));
  const env = new BenchEnv(kafka, logDir, PORT);
  // Only metric changes drive evaluation here; a tick would add unrelated work at random moments.
  // The benchmark crosses the channel-share threshold with v1 events; since issue 15 that rule is no
  // longer a default (the fully-online rule is), so it is named here.
  const extra = { ALERT_TICK_MS: '3600000', ALERT_RULES: JSON.stringify([{ id: 'online-rate-30d', metric: 'onlineRate' }]) };
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  let stream: IncomingMessage | undefined;
  try {
    await env.provision();
    for (const app of PIPELINE_APPS) env.start(app, [], extra);
    await waitHealthy();
    const units = ((await (await fetch(`http://127.0.0.1:${PORT}/api/v1/units`, { headers: { 'X-API-Key': KEY } })).json()) as { code: string; type?: string }[])
      .map((u) => u.code)
      .filter((c) => /^\d{5}$/.test(c));
    const waiting = new Map<string, (a: Arrival) => void>();
    stream = await openStream((a) => waiting.get(`${a.unitCode}|${a.state}`)?.(a));
    await producer.connect();
    // Let every consumer group settle before the first measurement.
    await new Promise((r) => setTimeout(r, 5_000));

    const latencies: number[] = [];
    for (let i = 0; i < CROSSINGS; i++) {
      const unit = units[Math.floor(i / 2) % units.length];
      const opening = i % 2 === 0;
      if (!opening && Math.floor(i / 2) >= units.length) break;
      const arrived = new Promise<Arrival>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${opening ? 'OPEN' : 'RESOLVED'} for ${unit} within 60 s`)), 60_000);
        waiting.set(`${unit}|${opening ? 'OPEN' : 'RESOLVED'}`, (a) => {
          clearTimeout(timer);
          resolve(a);
        });
      });
      const t0 = performance.now();
      await producer.send({ topic: env.env.TOPIC_EVENTS!, acks: -1, messages: opening ? events(unit, 40, 20) : events(unit, 200, 200) });
      const a = await arrived;
      latencies.push(a.receivedAt - t0);
      waiting.clear();
    }
    const sorted = [...latencies].sort((x, y) => x - y);
    const result = {
      crossings: sorted.length,
      p50Ms: Math.round(percentile(sorted, 50)),
      p90Ms: Math.round(percentile(sorted, 90)),
      p99Ms: Math.round(percentile(sorted, 99)),
      maxMs: Math.round(sorted[sorted.length - 1]),
      minMs: Math.round(sorted[0]),
      settings: { LIVE_FLUSH_MS: env.env.LIVE_FLUSH_MS ?? '300 (default)', ALERT_TICK_MS: extra.ALERT_TICK_MS, ssePollMs: 150 },
    };
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, `alert-latency-${Date.now()}.json`), JSON.stringify({ ...result, latenciesMs: latencies.map(Math.round) }, null, 2));
    console.log(JSON.stringify(result, null, 2));
  } finally {
    stream?.destroy();
    await producer.disconnect().catch(() => undefined);
    await env.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
