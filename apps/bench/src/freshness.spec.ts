import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Producer, ProducerRecord } from 'kafkajs';
import { measureFreshness } from './freshness';

/**
 * measureFreshness against a stand-in for the pipeline that counts receipts as the fold does: a
 * RECEIVED for a dossier already received is not a new receipt. Every marker it sends must be
 * seen, at each rate of a run, however many rates run one after the other.
 */
describe('measureFreshness', () => {
  const received = new Map<string, number>();
  const producedAt = new Map<string, number>();
  const dossiers = new Set<string>();
  let server: Server;
  let apiBase: string;
  const producer = {
    send: async (record: ProducerRecord) => {
      for (const m of record.messages) {
        const e = JSON.parse(String(m.value)) as { unitCode: string; dossierId: string };
        const key = `${e.unitCode}/${e.dossierId}`;
        producedAt.set(e.dossierId, Date.now());
        if (dossiers.has(key)) continue;
        dossiers.add(key);
        received.set(e.unitCode, (received.get(e.unitCode) ?? 0) + 1);
      }
      return [];
    },
  } as unknown as Producer;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      const units = [...received].map(([unitCode, n]) => ({ unitCode, today: { receivedTotal: n } }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ units }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  it('times each marker at a probe along the way by its own dossier', async () => {
    // A probe that sees a marker when the stand-in producer took it: never before its send, never after the API showed it.
    const probe = { name: 'producer', begin: () => undefined, seenAt: (_k: number, dossierId: string) => producedAt.get(dossierId) };
    const r = await measureFreshness({ producer, topic: 't', apiBase, apiKey: 'k', markerUnit: 'M', loadUnits: ['A'], seconds: 1, runId: 'probe', rate: 500, probes: [probe] });
    const [stage] = r.stages!;
    expect(stage).toMatchObject({ name: 'producer', seen: r.markers });
    expect(stage.p50Ms).toBeGreaterThanOrEqual(0);
    expect(stage.p99Ms).toBeLessThanOrEqual(r.p99Ms);
  }, 30_000);

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sees every marker at each rate of a run, the second rate included', async () => {
    const common = { producer, topic: 't', apiBase, apiKey: 'k', markerUnit: 'M', loadUnits: ['A', 'B'], seconds: 1, runId: 'run' };
    // 500/s marks every 25th dossier, 5,000/s every 250th: with shared ids each of the second's markers was an old marker dossier.
    for (const rate of [500, 5_000]) {
      const r = await measureFreshness({ ...common, rate });
      expect(r.markers).toBeGreaterThanOrEqual(15);
      expect(r.seen).toBe(r.markers);
    }
  }, 30_000);
});
