import request from 'supertest';
import { DLQ_HEADERS } from '@tthc/contracts';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { type V1Event, asMessage, received, resolved } from './support/dossier-events';

/**
 * The pipeline end to end on the real broker, PostgreSQL and Redis: events produced to Kafka,
 * figures read back through the HTTP API. Every expected number below is worked out by hand
 * from the events, not taken from the code under test.
 */
const IOC = { 'X-API-Key': 'local-ioc-key' };
const AUDITOR = { 'X-API-Key': 'local-auditor-key' };
const OPERATOR = { 'X-API-Key': 'local-operator-key' };

// "Now" for every app in this suite: the end of July 2025, so July's events are within the live windows.
const NOW = '2025-07-31T12:00:00+07:00';

describe('pipeline (real Kafka, PostgreSQL, Redis)', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock(NOW));
    await h.start('ingest', 'aggregator', 'notifier', 'api');
  });

  afterAll(async () => {
    await h?.close();
  });

  const unitMetrics = async (unit: string, from: string, to: string) => {
    const res = await request(h.http()).get(`/api/v1/metrics/units/${unit}?from=${from}&to=${to}`).set(AUDITOR);
    expect(res.status).toBe(200);
    return res.body;
  };

  describe('a known stream', () => {
    const A = '28756'; // Phường Phú Khương
    const B = '28777'; // Phường An Hội
    const events: V1Event[] = [
      // d1: received 23:30 local on 1 July (16:30Z), resolved exactly at its deadline: on time.
      received(A, 'd1', '2025-07-01T23:30:00+07:00', 'ONLINE', '2025-07-04T17:00:00+07:00'),
      resolved(A, 'd1', '2025-07-04T17:00:00+07:00', '2025-07-04T17:00:00+07:00'),
      // d2: received 00:10 local on 2 July, which is still 1 July in UTC; resolved one second late.
      received(A, 'd2', '2025-07-01T17:10:00Z', 'DIRECT', '2025-07-03T17:00:00+07:00'),
      resolved(A, 'd2', '2025-07-03T17:00:01+07:00', '2025-07-03T17:00:00+07:00'),
      // d3: open, deadline 10 July: overdue from then on.
      received(A, 'd3', '2025-07-02T09:00:00+07:00', 'ONLINE', '2025-07-10T17:00:00+07:00'),
      // d4: open, deadline in August: not overdue.
      received(A, 'd4', '2025-07-02T10:00:00+07:00', 'ONLINE', '2025-08-10T17:00:00+07:00'),
      // d5: only its RESOLVED ever arrives: counted as resolved on time, never as received.
      resolved(A, 'd5', '2025-07-05T08:00:00+07:00', '2025-07-06T17:00:00+07:00'),
      received(B, 'b1', '2025-07-15T08:00:00+07:00', 'DIRECT', '2025-07-18T17:00:00+07:00'),
    ];

    beforeAll(async () => {
      await h.produce(events.map(asMessage));
    });

    it('counts each fact on its local day, across local midnight', async () => {
      await eventually(async () => {
        expect(await unitMetrics(A, '2025-07-01', '2025-07-01')).toMatchObject({
          receivedTotal: 1,
          receivedOnline: 1,
          receivedDirect: 0,
          resolvedTotal: 0,
          onlineRate: 1,
          onTimeRate: null,
          overdueOpen: 0,
        });
        expect(await unitMetrics(A, '2025-07-02', '2025-07-02')).toMatchObject({
          receivedTotal: 3,
          receivedOnline: 2,
          receivedDirect: 1,
          resolvedTotal: 0,
        });
      });
      expect(await unitMetrics(A, '2025-07-03', '2025-07-03')).toMatchObject({ resolvedTotal: 1, resolvedOnTime: 0, resolvedLate: 1, onTimeRate: 0 });
      expect(await unitMetrics(A, '2025-07-04', '2025-07-04')).toMatchObject({ resolvedTotal: 1, resolvedOnTime: 1, resolvedLate: 0, onTimeRate: 1 });
      expect(await unitMetrics(A, '2025-07-05', '2025-07-05')).toMatchObject({ receivedTotal: 0, resolvedTotal: 1, resolvedOnTime: 1 });
    });

    it('sums a month from day counters and derives rates from the sums', async () => {
      await eventually(async () => {
        expect(await unitMetrics(A, '2025-07-01', '2025-07-31')).toEqual({
          unitCode: A,
          from: '2025-07-01',
          to: '2025-07-31',
          receivedTotal: 4,
          receivedOnline: 3,
          receivedDirect: 1,
          onlineRate: 0.75,
          resolvedTotal: 3,
          resolvedOnTime: 2,
          resolvedLate: 1,
          onTimeRate: 2 / 3,
          overdueOpen: 1,
          // 766, judged now (31 July 12:00): d1 and d5 resolved on time, d2 late, d4 open within
          // its deadline, d3 open past it: (2 + 1) / 5.
          openWithinDeadline: 1,
          progress766Numerator: 3,
          progress766Denominator: 5,
          progressRate766: 0.6,
        });
      });
    });

    it('reports overdue-open dossiers as of the end of a past range', async () => {
      await eventually(async () => {
        // End of 11 July: d3 (due 10 July) is open and past due; d4 is not yet due.
        expect((await unitMetrics(A, '2025-07-11', '2025-07-11')).overdueOpen).toBe(1);
        // End of 9 July: nothing was past due yet.
        expect((await unitMetrics(A, '2025-07-09', '2025-07-09')).overdueOpen).toBe(0);
      });
    });

    it('gives province totals as sums over units', async () => {
      await eventually(async () => {
        const res = await request(h.http()).get('/api/v1/metrics/province?from=2025-07-01&to=2025-07-31').set(IOC);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          provinceCode: '86',
          unitCount: 125,
          from: '2025-07-01',
          to: '2025-07-31',
          receivedTotal: 5,
          receivedOnline: 3,
          receivedDirect: 2,
          onlineRate: 0.6,
          resolvedTotal: 3,
          resolvedOnTime: 2,
          resolvedLate: 1,
          onTimeRate: 2 / 3,
        });
      });
    });

    it('serves today, month-to-date and rolling-30-day figures from Redis', async () => {
      await eventually(async () => {
        const res = await request(h.http()).get('/api/v1/metrics/live').set(IOC);
        expect(res.status).toBe(200);
        const a = res.body.units.find((u: { unitCode: string }) => u.unitCode === A);
        expect(a.name).toBe('Phường Phú Khương');
        expect(a.today).toMatchObject({ from: '2025-07-31', receivedTotal: 0 });
        expect(a.monthToDate).toMatchObject({ from: '2025-07-01', to: '2025-07-31', receivedTotal: 4, receivedOnline: 3 });
        // Rolling 30 days ending 31 July starts 2 July: d1 (1 July) falls outside.
        expect(a.rolling30d).toMatchObject({ from: '2025-07-02', receivedTotal: 3, receivedOnline: 2, resolvedTotal: 3, resolvedOnTime: 2 });
        expect(a.overdueOpen).toBe(1);
        expect(res.body.province.monthToDate).toMatchObject({ receivedTotal: 5, receivedOnline: 3, onlineRate: 0.6 });
      });
    });
  });

  describe('duplicates, reordering and re-sent events', () => {
    /** Ten dossiers over five days: 6 online, 4 direct; 7 resolved (3 on time, 4 late); 3 left open past due. */
    function stream(unit: string): V1Event[] {
      const out: V1Event[] = [];
      for (let i = 0; i < 10; i++) {
        const day = `2025-07-0${1 + (i % 5)}`;
        const due = `2025-07-${String(4 + (i % 5)).padStart(2, '0')}T17:00:00+07:00`;
        out.push(received(unit, `dup-${i}`, `${day}T08:00:00+07:00`, i % 3 === 0 ? 'DIRECT' : 'ONLINE', due));
        if (i < 7) {
          const resolvedAt = i % 2 === 1 ? due.replace('T17:00', 'T16:00') : due.replace('T17:00', 'T18:00');
          out.push(resolved(unit, `dup-${i}`, resolvedAt, due));
        }
      }
      return out;
    }
    const expected = {
      receivedTotal: 10,
      receivedOnline: 6,
      receivedDirect: 4,
      onlineRate: 0.6,
      resolvedTotal: 7,
      resolvedOnTime: 3,
      resolvedLate: 4,
      onTimeRate: 3 / 7,
      overdueOpen: 3,
    };

    it('gives the same counters for a clean stream and a shuffled, duplicated, re-sent one', async () => {
      const clean = stream('28783');
      const noisy = stream('28789');
      // Every event twice (same eventId), every RECEIVED re-sent by the source with a new eventId, all shuffled.
      const resent = noisy.filter((e) => e.type === 'RECEIVED').map((e) => ({ ...e, eventId: crypto.randomUUID() }));
      const messy = [...noisy, ...noisy, ...resent].sort(() => Math.random() - 0.5);
      await h.produce(clean.map(asMessage));
      await h.produce(messy.map(asMessage));
      // Replaying the whole noisy stream once more changes nothing either.
      await h.produce(noisy.map(asMessage));

      await eventually(async () => {
        expect(await unitMetrics('28783', '2025-07-01', '2025-07-31')).toMatchObject(expected);
        expect(await unitMetrics('28789', '2025-07-01', '2025-07-31')).toMatchObject(expected);
      });
    });
  });

  describe('bad input', () => {
    it('sends malformed and invalid events to the DLQ with their reason, and counts the good ones around them', async () => {
      const unit = '28807'; // Xã Giao Long
      const good1 = received(unit, 'g1', '2025-07-20T08:00:00+07:00', 'ONLINE', '2025-07-25T17:00:00+07:00');
      const good2 = received(unit, 'g2', '2025-07-20T09:00:00+07:00', 'DIRECT', '2025-07-25T17:00:00+07:00');
      const truncated = '{"eventId":"2b1f0c7e-1c1d-4a4e-9d7a-3f3e6b2a9c10","schemaVersion":1,"type":"RECEI';
      const unknownUnit = received('99999', 'x1', '2025-07-20T08:00:00+07:00', 'ONLINE', '2025-07-25T17:00:00+07:00');
      const dueBeforeReceipt = received(unit, 'x2', '2025-07-20T08:00:00+07:00', 'ONLINE', '2025-07-19T17:00:00+07:00');
      const future = received(unit, 'x3', '2025-08-05T08:00:00+07:00', 'ONLINE', '2025-08-10T17:00:00+07:00');
      await h.produce([asMessage(good1), { key: 'bad-json', value: truncated }, asMessage(unknownUnit), asMessage(dueBeforeReceipt), asMessage(future), asMessage(good2)]);

      const dlq = await h.readTopic(h.env.TOPIC_DLQ!, 4);
      const byReason = new Map(dlq.map((m) => [m.headers![DLQ_HEADERS.reasonCode]!.toString(), m]));
      expect([...byReason.keys()].sort()).toEqual(['DUE_BEFORE_RECEIPT', 'MALFORMED_JSON', 'OCCURRED_IN_FUTURE', 'UNKNOWN_UNIT']);
      // The original bytes are kept as they were, with where they came from.
      expect(byReason.get('MALFORMED_JSON')!.value!.toString()).toBe(truncated);
      expect(byReason.get('UNKNOWN_UNIT')!.value!.toString()).toBe(JSON.stringify(unknownUnit));
      expect(byReason.get('UNKNOWN_UNIT')!.headers![DLQ_HEADERS.reasonDetail]!.toString()).toContain('99999');
      expect(byReason.get('MALFORMED_JSON')!.headers![DLQ_HEADERS.sourceTopic]!.toString()).toBe(h.env.TOPIC_EVENTS);

      await eventually(async () => {
        expect(await unitMetrics(unit, '2025-07-20', '2025-07-20')).toMatchObject({ receivedTotal: 2, receivedOnline: 1, receivedDirect: 1 });
      });
      const stored = await h.sql<{ reason_code: string }>('SELECT reason_code FROM rejected_events ORDER BY reason_code');
      expect(stored.map((r) => r.reason_code)).toEqual(['DUE_BEFORE_RECEIPT', 'MALFORMED_JSON', 'OCCURRED_IN_FUTURE', 'UNKNOWN_UNIT']);
    });
  });

  describe('an aggregator restart mid-stream', () => {
    it('ends with exact counts even when Kafka forgot its committed offsets', async () => {
      const unit = '28810'; // Xã Phú Túc
      const first = Array.from({ length: 20 }, (_, i) => received(unit, `r-${i}`, '2025-07-21T08:00:00+07:00', i % 2 ? 'ONLINE' : 'DIRECT', '2025-07-24T17:00:00+07:00'));
      await h.produce(first.map(asMessage));
      await eventually(async () => expect((await unitMetrics(unit, '2025-07-21', '2025-07-21')).receivedTotal).toBe(20));

      await h.stop('aggregator');
      // A crash after the database commit but before the Kafka commit: Kafka's offsets go back to
      // the beginning. Two defences keep the counts exact: the offsets stored with the counters
      // (the aggregator skips what it already applied) and the fold itself, which ignores a fact it
      // already holds. Either alone suffices here; the offsets also spare re-reading history.
      const admin = h.kafka.admin();
      await admin.connect();
      await admin.resetOffsets({ groupId: h.env.AGGREGATOR_GROUP_ID!, topic: h.env.TOPIC_VALIDATED!, earliest: true });
      await admin.disconnect();

      const second = Array.from({ length: 10 }, (_, i) => received(unit, `r-${20 + i}`, '2025-07-22T08:00:00+07:00', 'ONLINE', '2025-07-25T17:00:00+07:00'));
      const resolutions = first.map((e) => resolved(unit, e.dossierId, '2025-07-23T10:00:00+07:00', e.dueAt));
      await h.produce([...second, ...resolutions].map(asMessage));
      await h.start('aggregator');

      await eventually(async () => {
        expect(await unitMetrics(unit, '2025-07-21', '2025-07-23')).toMatchObject({
          receivedTotal: 30,
          receivedOnline: 20,
          receivedDirect: 10,
          resolvedTotal: 20,
          resolvedOnTime: 20,
          resolvedLate: 0,
        });
        // Everything on the validated topic has been applied, so nothing is left to double count.
        const offsets = h.kafka.admin();
        await offsets.connect();
        const ends = await offsets.fetchTopicOffsets(h.env.TOPIC_VALIDATED!);
        await offsets.disconnect();
        const stored = await h.sql<{ partition: number; next_offset: string }>('SELECT partition, next_offset FROM consumer_offsets WHERE consumer_group = $1', [h.env.AGGREGATOR_GROUP_ID]);
        for (const end of ends.filter((e) => e.high !== '0')) {
          expect(stored.find((s) => s.partition === end.partition)?.next_offset).toBe(end.high);
        }
      });
      expect(await unitMetrics(unit, '2025-07-21', '2025-07-23')).toMatchObject({ receivedTotal: 30, resolvedTotal: 20 });
    });
  });

  describe('alerts', () => {
    it('opens an alert for a unit whose 30-day online rate falls below 80% with enough dossiers, and resolves it on recovery', async () => {
      const unit = '28840'; // Xã Tân Phú
      const low = Array.from({ length: 40 }, (_, i) => received(unit, `al-${i}`, '2025-07-25T08:00:00+07:00', i < 20 ? 'ONLINE' : 'DIRECT', '2025-08-05T17:00:00+07:00'));
      await h.produce(low.map(asMessage));

      const open = await eventually(async () => {
        const res = await request(h.http()).get('/api/v1/alerts?state=OPEN').set(OPERATOR);
        expect(res.status).toBe(200);
        const alert = res.body.find((a: { unitCode: string; ruleId: string }) => a.unitCode === unit && a.ruleId === 'online-rate-30d');
        expect(alert).toBeDefined();
        return alert;
      });
      expect(open).toMatchObject({ state: 'OPEN', value: 0.5, sampleSize: 40, unitName: 'Xã Tân Phú' });
      expect(open.message).toBe('Xã Tân Phú: tỷ lệ hồ sơ trực tuyến 30 ngày 50,00% < mục tiêu 80%');

      // 100 more online: 120/140 = 85.7%, above 80% + the 2-point margin.
      const recovery = Array.from({ length: 100 }, (_, i) => received(unit, `al-r-${i}`, '2025-07-26T08:00:00+07:00', 'ONLINE', '2025-08-06T17:00:00+07:00'));
      await h.produce(recovery.map(asMessage));
      // It resolves at the first evaluation that sees ≥ 82 %: (20 + k) / (40 + k) ≥ 0.82 needs k ≥ 72
      // of the 100, which may be mid-stream if they arrive in more than one batch.
      await eventually(async () => {
        const res = await request(h.http()).get('/api/v1/alerts?state=RESOLVED').set(OPERATOR);
        const resolved = res.body.find((a: { id: string }) => a.id === open.id);
        expect(resolved).toMatchObject({ state: 'RESOLVED' });
        expect(resolved.sampleSize).toBeGreaterThanOrEqual(112);
        expect(resolved.value).toBeCloseTo((resolved.sampleSize - 20) / resolved.sampleSize, 9);
      });

      const parse = (values: string[]) => values.map((v) => JSON.parse(v));
      const mine = parse(await h.readKeyed(h.env.TOPIC_ALERTS!, unit, (values) => parse(values).some((m) => m.state === 'RESOLVED')));
      // The 40 receipts may reach the notifier in more than one batch (say 20 of 31 online, then
      // 20 of 40): a further 5-point drop then adds a WORSENED notice, still OPEN, in between.
      expect(mine[0]).toMatchObject({ alertId: open.id, state: 'OPEN', kind: 'FIRED', ruleId: 'online-rate-30d' });
      for (const m of mine.slice(1, -1)) expect(m).toMatchObject({ alertId: open.id, state: 'OPEN', kind: 'WORSENED' });
      expect(mine[mine.length - 1]).toMatchObject({ alertId: open.id, state: 'RESOLVED', ruleId: 'online-rate-30d' });
      expect(mine[mine.length - 1].value).toBeGreaterThanOrEqual(0.82);
    });
  });
});
