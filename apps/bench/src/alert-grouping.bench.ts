import 'reflect-metadata';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafka } from '@tthc/messaging';
import { createLogger } from '@tthc/platform';
import { AppProcess } from './app-process';
import { BenchEnv, DIST_ROOT, PIPELINE_APPS, appScript } from './bench-env';

/**
 * Issue 15's measurement: the simulated province's first 30 days, as `npm run up` plays them
 * (the simulator's backfill at full speed, then stopped), through the four apps as separate
 * processes with the production defaults for alerting (ALERT_TICK_MS, ALERT_GROUP_WAIT_MS 30 s,
 * ALERT_GROUP_INTERVAL_MS 5 min), and one webhook receiver. Counts the per-unit messages on
 * `tthc.alerts` by kind against the webhook messages (grouped notifications) the receiver got.
 * Ends once nothing waits to be notified and no transition has been written for `--settle-s`.
 *
 *   npm run build && node dist/apps/bench/src/alert-grouping.bench.js [--seed 86] [--settle-s 360]
 */
const { values } = parseArgs({
  options: { seed: { type: 'string', default: '86' }, 'settle-s': { type: 'string', default: '360' }, out: { type: 'string', default: 'bench-results' } },
});
const SETTLE_MS = Number(values['settle-s']) * 1000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const log = (msg: string) => process.stderr.write(`${new Date().toISOString()} ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const received: { at: number; body: { notificationId: number; ruleId: string; counts: Record<string, number> } }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof received)[number]['body'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const kafka = createKafka(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', 'bench-alert-grouping', createLogger('bench', 'error'));
  const logDir = mkdtempSync(join(tmpdir(), 'tthc-grouping-bench-'));
  const env = new BenchEnv(kafka, logDir, await freePort(), DIST_ROOT, {
    ALERT_WEBHOOKS: JSON.stringify([{ url: hook, secret: 'bench-grouping-webhook-secret-0123456789abcdef' }]),
  });
  const simulator = new AppProcess('simulator', appScript('simulator'), { ...env.env, LOG_LEVEL: 'info' }, logDir, [], ['live', '--backfill-days', '30', '--speed', 'max', '--seed', values.seed]);
  try {
    await env.provision();
    for (const app of PIPELINE_APPS) env.start(app);
    await sleep(8_000);
    const started = Date.now();
    simulator.start();
    log(`simulator started (logs in ${logDir})`);
    for (;;) {
      await sleep(1_000);
      if (readFileSync(join(logDir, 'simulator.log'), 'utf8').includes('backfill done')) break;
      if (!simulator.running) throw new Error('the simulator exited before its backfill was done');
    }
    await simulator.stop();
    log(`backfill produced in ${Math.round((Date.now() - started) / 1000)} s; waiting for the alerts to settle`);

    let lastTransitions = -1;
    let quietSince = Date.now();
    for (;;) {
      await sleep(5_000);
      const [row] = await env.sql<{ transitions: number; waiting: number; undelivered: number }>(
        `SELECT (SELECT count(*)::int FROM alert_transitions) AS transitions,
                (SELECT count(*)::int FROM alert_transitions WHERE notify AND notification_id IS NULL) AS waiting,
                (SELECT count(*)::int FROM alert_deliveries WHERE state <> 'DELIVERED') AS undelivered`,
      );
      if (row.transitions !== lastTransitions) {
        lastTransitions = row.transitions;
        quietSince = Date.now();
      }
      log(`transitions ${row.transitions}, waiting for a notification ${row.waiting}, deliveries not done ${row.undelivered}, webhook messages ${received.length}`);
      if (row.waiting === 0 && row.undelivered === 0 && Date.now() - quietSince >= SETTLE_MS) break;
    }

    const byKind = await env.sql<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM alert_transitions GROUP BY kind ORDER BY kind`);
    const topic = await env.sql<{ n: number }>(`SELECT count(*)::int AS n FROM alert_transitions WHERE published_at IS NOT NULL`);
    const notifications = await env.sql<{ id: string; rule_id: string; created_at: Date; fired: number; worsened: number; resolved: number; acknowledged: number }>(
      `SELECT id::text, rule_id, created_at, fired, worsened, resolved, acknowledged FROM alert_notifications ORDER BY id`,
    );
    const kinds = Object.fromEntries(byKind.map((r) => [r.kind, r.n]));
    const result = {
      seed: Number(values.seed),
      settings: { ALERT_TICK_MS: 'default (15000)', ALERT_GROUP_WAIT_MS: 'default (30000)', ALERT_GROUP_INTERVAL_MS: 'default (300000)' },
      alertsTopic: { messages: topic[0].n, byKind: kinds, firedPlusWorsened: (kinds.FIRED ?? 0) + (kinds.WORSENED ?? 0) },
      webhook: {
        messages: new Set(received.map((r) => r.body.notificationId)).size,
        deliveries: received.length,
        notifications: notifications.map((n) => ({
          id: Number(n.id),
          ruleId: n.rule_id,
          createdAt: new Date(n.created_at).toISOString(),
          fired: n.fired,
          worsened: n.worsened,
          resolved: n.resolved,
          acknowledged: n.acknowledged,
        })),
      },
    };
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, `alert-grouping-${Date.now()}.json`), JSON.stringify(result, null, 2));
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await simulator.stop();
    await env.destroy();
    await new Promise((r) => receiver.close(r));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
