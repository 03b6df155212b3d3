import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { loadUnitCatalogue } from '@tthc/catalogue';
import type { AlertMessage } from '@tthc/contracts';
import type { AlertGroupNotification } from '@tthc/domain';
import { verifySignature } from '../apps/notifier/src/webhooks/webhook-signature';
import { asMessage, received } from './support/dossier-events';
import { PipelineHarness, eventually } from './support/pipeline-harness';
import { WorkerProcess } from './support/worker-process';

/**
 * Issue 15 on the real pipeline: a month in which 100 of the province's 125 units sit below the
 * online target. Per-unit transitions go to `tthc.alerts` as before; the webhook receiver gets a
 * handful of grouped notifications, one per rule per interval, and every unit that newly breached
 * or worsened is in exactly one of them — also when the notifier (a real process, `node
 * dist/apps/notifier/src/main.js`) is killed with SIGKILL half-way and another one takes over.
 *
 * The notifier runs on the real clock (a process has no injected one), so the month is the 30
 * local days ending now.
 */
const SECRET = 'grouping-e2e-webhook-secret-0123456789abcdef';
const RULE = 'online-rate-30d';
const WAIT_MS = 3_000;
const INTERVAL_MS = 6_000;
const DAY = 86_400_000;

const communes = loadUnitCatalogue()
  .filter((u) => /^\d{5}$/.test(u.code))
  .map((u) => u.code)
  .sort();
const BREACHING = communes.slice(0, 100);
const FINE = communes.slice(100);
/** The first 30 breaching units get more direct dossiers while the notifier is down: they worsen. */
const WORSENING = BREACHING.slice(0, 30);

/** `total` dossiers received over the last 28 days, `share` of them online, the channels interleaved evenly. */
function month(unit: string, prefix: string, total: number, share: number, now: number) {
  return Array.from({ length: total }, (_, i) => {
    const online = Math.floor((i + 1) * share) > Math.floor(i * share);
    const at = new Date(now - ((i % 28) + 1) * DAY + 3_600_000).toISOString();
    return asMessage(received(unit, `${prefix}-${unit}-${i}`, at, online ? 'ONLINE' : 'DIRECT', new Date(now + 20 * DAY).toISOString()));
  });
}

interface Delivery {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  body: AlertGroupNotification;
}

describe('grouped notifications for a province where most units breach (real notifier process, Kafka, PostgreSQL)', () => {
  let h: PipelineHarness;
  let receiver: Server;
  let notifier: WorkerProcess | undefined;
  const got: Delivery[] = [];
  /** The first delivery is held unanswered, so the notifier dies with it in flight. */
  let held: ServerResponse | undefined;
  let holdFirst = true;

  const env = (url: string, waitMs = WAIT_MS) =>
    h.processEnv({
      LOG_LEVEL: 'error',
      ALERT_WEBHOOKS: JSON.stringify([{ url, secret: SECRET }]),
      ALERT_GROUP_WAIT_MS: String(waitMs),
      ALERT_GROUP_INTERVAL_MS: String(INTERVAL_MS),
      ALERT_TICK_MS: '5000',
      ALERT_BACKLOG_POLL_MS: '200',
      ALERT_DELIVERY_POLL_MS: '100',
      // A claimed delivery is retried by another process once its lease (timeout + 10 s) runs out.
      ALERT_WEBHOOK_TIMEOUT_MS: '1000',
      ALERT_WEBHOOK_BACKOFF_MS: '200',
    });
  let url: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        got.push({ raw, headers: req.headers, body: JSON.parse(raw.toString('utf8')) as AlertGroupNotification });
        if (holdFirst) {
          holdFirst = false;
          held = res;
          return;
        }
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    h = await PipelineHarness.create({ now: () => Date.now() });
    await h.start('ingest', 'aggregator', 'api');
    notifier = await WorkerProcess.start('notifier', env(url));
  }, 120_000);

  afterAll(async () => {
    held?.destroy();
    await notifier?.stop();
    await h?.close();
    await new Promise((r) => receiver?.close(r));
  });

  const accepted = () => [...new Map(got.map((d) => [d.body.notificationId, d])).values()].sort((a, b) => a.body.notificationId - b.body.notificationId);
  const transitions = (kinds: string[]) =>
    h.sql<{ id: string; unit_code: string; kind: string; notification_id: string | null }>(
      `SELECT t.id::text, a.unit_code, t.kind, t.notification_id::text FROM alert_transitions t JOIN alerts a ON a.id = t.alert_id
        WHERE t.kind = ANY($1::text[]) AND t.notify ORDER BY t.id`,
      [kinds],
    );

  it('groups a hundred units breaching, and notifiers killed half-way lose none and repeat none', async () => {
    const now = Date.now();
    await h.produce([
      // 40 % to 68.5 % online: below target, and far enough below it that the order in which the
      // pipeline happens to apply a unit's dossiers cannot take it past the recovery line.
      ...BREACHING.flatMap((u, i) => month(u, 'm', 40, 0.4 + (i % 20) * 0.015, now)),
      ...FINE.flatMap((u) => month(u, 'm', 40, 0.95, now)),
    ]);

    // The first notification reaches the receiver, which does not answer; the notifier dies with it in flight.
    await eventually(async () => expect(held).toBeDefined(), 90_000);
    const exit = await notifier!.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    notifier = undefined;
    try {
      held!.writeHead(200).end();
    } catch {
      // The connection went with the process.
    }
    const inFlight = got[0].body;

    // While it is down, 30 breaching units receive 20 more dossiers, all direct: a further step down.
    await h.produce(WORSENING.flatMap((u) => month(u, 'w', 20, 0, now)));
    // The next notifier records those steps, but its group wait is long: it dies with them in the
    // log, not yet notified. (It also re-sends the message the first one died sending.)
    notifier = await WorkerProcess.start('notifier', env(url, 600_000));
    await eventually(
      async () => {
        // Each of the 30 has a step down in the log that no notification covers yet.
        const waiting = (await transitions(['WORSENED'])).filter((t) => t.notification_id === null);
        expect([...new Set(waiting.map((t) => t.unit_code))]).toEqual(expect.arrayContaining(WORSENING));
        expect(got.filter((d) => d.body.notificationId === inFlight.notificationId).length).toBeGreaterThanOrEqual(2);
      },
      120_000,
      200,
    );
    expect((await notifier.stop('SIGKILL')).signal).toBe('SIGKILL');
    notifier = await WorkerProcess.start('notifier', env(url));

    // Everything the log says was notified is covered by a notification, and every delivery is done.
    await eventually(
      async () => {
        const worsened = await transitions(['WORSENED']);
        expect([...new Set(worsened.map((t) => t.unit_code))]).toEqual(expect.arrayContaining(WORSENING));
        const pending = await h.sql(
          `SELECT 1 FROM alert_transitions WHERE notify AND notification_id IS NULL
         UNION ALL SELECT 1 FROM alert_deliveries WHERE state <> 'DELIVERED'`,
        );
        expect(pending).toEqual([]);
      },
      120_000,
      500,
    );

    // tthc.alerts still carries one message per unit transition: 100 FIRED, and the WORSENED ones.
    const fired = await transitions(['FIRED']);
    expect(fired.map((t) => t.unit_code).sort()).toEqual(BREACHING);
    const worsened = await transitions(['WORSENED']);
    const onTopic = (await h.readTopic(h.env.TOPIC_ALERTS!, (seen) => seen.length >= fired.length + worsened.length, 60_000)).map((m) => JSON.parse(m.value!.toString()) as AlertMessage);
    expect(
      onTopic
        .filter((m) => m.kind === 'FIRED')
        .map((m) => m.unitCode)
        .sort(),
    ).toEqual(BREACHING);
    expect(onTopic.filter((m) => m.kind === 'WORSENED')).toHaveLength(worsened.length);

    // The receiver: a handful of messages, each for the rule, each listing its units.
    const messages = accepted();
    expect(messages.every((d) => d.body.ruleId === RULE)).toBe(true);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.length).toBeLessThanOrEqual(10);
    for (const { body } of messages) {
      expect(body.counts).toEqual({ fired: body.fired.length, worsened: body.worsened.length, resolved: body.resolved.length, acknowledged: body.acknowledged.length });
      expect(body.text.split('\n')[0]).toBe(body.title);
      expect(body.title).toMatch(/^Cảnh báo: tỷ lệ hồ sơ trực tuyến 30 ngày dưới mục tiêu 80% — /);
    }
    // At least the group interval between two messages of the rule, on the database's clock.
    const created = messages.map((d) => Date.parse(d.body.createdAt));
    for (let i = 1; i < created.length; i++) expect(created[i] - created[i - 1]).toBeGreaterThanOrEqual(INTERVAL_MS);

    // Every notified transition in exactly one message; every breaching unit newly breached in exactly one.
    const covered = messages.flatMap((d) => d.body.transitionIds);
    expect([...covered].sort((a, b) => a - b)).toEqual([...fired, ...worsened].map((t) => Number(t.id)).sort((a, b) => a - b));
    const newlyBreached = messages.flatMap((d) => d.body.fired.map((e) => e.unitCode));
    expect(newlyBreached.sort()).toEqual(BREACHING);
    for (const { body } of messages) {
      const listed = [...body.fired, ...body.worsened].map((e) => e.unitCode);
      expect(new Set(listed).size).toBe(listed.length);
    }

    // The message in flight when the notifier died went out again from the new process: same id, same bytes.
    const repeats = got.filter((d) => d.body.notificationId === inFlight.notificationId);
    expect(repeats.length).toBeGreaterThanOrEqual(2);
    expect(repeats.every((d) => d.raw.equals(repeats[0].raw))).toBe(true);
    expect(repeats.every((d) => d.headers['x-tthc-notification'] === String(inFlight.notificationId))).toBe(true);
    expect(got.every((d) => verifySignature(SECRET, d.raw, d.headers['x-tthc-signature'] as string, Math.floor(Date.now() / 1000)))).toBe(true);

    const perUnit = onTopic.filter((m) => m.kind === 'FIRED' || m.kind === 'WORSENED').length;
    process.stdout.write(
      `alert-grouping: ${perUnit} per-unit FIRED/WORSENED messages on tthc.alerts (${onTopic.length} in all), ` +
        `${messages.length} webhook notifications (${got.length} deliveries incl. the repeat), units per notification: ` +
        `${messages.map((d) => d.body.fired.length + d.body.worsened.length).join(', ')}\n`,
    );
  }, 300_000);

  it('shows the grouped view and the notifications to an operator', async () => {
    const OPERATOR = { 'X-API-Key': 'local-operator-key' };
    const summary = await request(h.http()).get('/api/v1/alerts/summary').set(OPERATOR);
    const online = summary.body.rules.find((r: { ruleId: string }) => r.ruleId === RULE);
    expect(online).toMatchObject({ unitsBreaching: 100, label: 'tỷ lệ hồ sơ trực tuyến 30 ngày dưới mục tiêu 80%' });
    expect(online.worsening).toBeGreaterThanOrEqual(WORSENING.length);
    const gaps = online.units.map((u: { gap: number }) => u.gap);
    expect(gaps).toEqual([...gaps].sort((a, b) => b - a));

    const listed = await request(h.http()).get(`/api/v1/alerts/notifications?ruleId=${RULE}`).set(OPERATOR);
    expect(listed.status).toBe(200);
    expect(listed.body.map((n: { id: number }) => n.id)).toEqual(
      accepted()
        .map((d) => d.body.notificationId)
        .reverse(),
    );
    expect(listed.body.reduce((s: number, n: { fired: number }) => s + n.fired, 0)).toBe(100);
    // A unit's notifications: the one it newly breached in, and the one it worsened in (or the same one).
    const forUnit = await request(h.http()).get(`/api/v1/alerts/notifications?unitCode=${WORSENING[0]}`).set(OPERATOR);
    const listing = accepted()
      .filter(({ body }) => [...body.fired, ...body.worsened].some((e) => e.unitCode === WORSENING[0]))
      .map((d) => d.body.notificationId);
    expect(forUnit.body.map((n: { id: number }) => n.id).reverse()).toEqual(listing);
  });
});
