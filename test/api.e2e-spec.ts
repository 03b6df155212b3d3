import ExcelJS from 'exceljs';
import request from 'supertest';
import { type DossierState, type ProgressPeriod, endOfLocalDay, progress766Counts, seriesPeriods, startOfLocalDay } from '@tthc/domain';
import { REBUILD_GAUGE_CHANGES_FROM_DOSSIERS, type Sql, loadDossiers, progress766ByUnit, progress766Total } from '@tthc/persistence';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { type V1Event, asMessage, late, received, resolved } from './support/dossier-events';

/**
 * The query API of issue 4 on the real stack (Kafka → ingest → aggregator → PostgreSQL/Redis →
 * api): every expected figure below is worked out by hand from the stream, not from the code.
 */
const IOC = { 'X-API-Key': 'local-ioc-key' };
const AUDITOR = { 'X-API-Key': 'local-auditor-key' };
const OPERATOR = { 'X-API-Key': 'local-operator-key' };
const ADMIN = { 'X-API-Key': 'local-admin-key' };

// Mid-October 2025: Q3 is over, Q4 is running (its figures are judged at this instant).
const NOW = '2025-10-15T12:00:00+07:00';

const A = '28756'; // Phường Phú Khương
const B = '28777'; // Phường An Hội
const OTHER = '28783';

/*
 * Unit A, by local day:
 *   a7  rec 06-10 online, resolved 06-18 on time            (all in Q2)
 *   a8  rec 06-25 direct, due 07-02 17:00, flagged LATE 07-03, never resolved: overdue, carried into Q3
 *   a1  rec 06-30 23:30 online, resolved 07-01 00:10 local (still 30 June in UTC), on time
 *   a2  rec 07-01 00:05 local (30 June 17:05Z) direct, due 07-05, resolved 07-07: late
 *   a3  rec 07-15 online, due 07-20, never resolved: overdue from 20 July
 *   a4  rec 08-31 23:59:59 online, resolved 09-01 00:00:00 local (31 Aug 17:00Z), due 09-10: on time
 *   a5  rec 09-20 direct, due 10-20, open: within deadline
 *   a6  rec 09-25 online, due 10-05, resolved 10-06: open within deadline at the end of Q3, late in Q4
 * Unit B:
 *   b1  rec 07-10 online, resolved 07-14 on time;  b2 rec 08-05 direct, resolved 08-09 on time
 *   b3  rec 09-05 direct, due 09-30 17:00, resolved 10-01: open and overdue at the end of Q3, late in Q4
 */
const STREAM: V1Event[] = [
  received(A, 'a7', '2025-06-10T08:00:00+07:00', 'ONLINE', '2025-06-20T17:00:00+07:00'),
  resolved(A, 'a7', '2025-06-18T10:00:00+07:00', '2025-06-20T17:00:00+07:00'),
  received(A, 'a8', '2025-06-25T08:00:00+07:00', 'DIRECT', '2025-07-02T17:00:00+07:00'),
  late(A, 'a8', '2025-07-03T08:00:00+07:00', '2025-07-02T17:00:00+07:00'),
  received(A, 'a1', '2025-06-30T23:30:00+07:00', 'ONLINE', '2025-07-03T17:00:00+07:00'),
  resolved(A, 'a1', '2025-06-30T17:10:00Z', '2025-07-03T17:00:00+07:00'),
  received(A, 'a2', '2025-06-30T17:05:00Z', 'DIRECT', '2025-07-05T17:00:00+07:00'),
  resolved(A, 'a2', '2025-07-07T09:00:00+07:00', '2025-07-05T17:00:00+07:00'),
  received(A, 'a3', '2025-07-15T08:00:00+07:00', 'ONLINE', '2025-07-20T17:00:00+07:00'),
  received(A, 'a4', '2025-08-31T23:59:59+07:00', 'ONLINE', '2025-09-10T17:00:00+07:00'),
  resolved(A, 'a4', '2025-08-31T17:00:00Z', '2025-09-10T17:00:00+07:00'),
  received(A, 'a5', '2025-09-20T10:00:00+07:00', 'DIRECT', '2025-10-20T17:00:00+07:00'),
  received(A, 'a6', '2025-09-25T10:00:00+07:00', 'ONLINE', '2025-10-05T17:00:00+07:00'),
  resolved(A, 'a6', '2025-10-06T09:00:00+07:00', '2025-10-05T17:00:00+07:00'),
  received(B, 'b1', '2025-07-10T08:00:00+07:00', 'ONLINE', '2025-07-15T17:00:00+07:00'),
  resolved(B, 'b1', '2025-07-14T08:00:00+07:00', '2025-07-15T17:00:00+07:00'),
  received(B, 'b2', '2025-08-05T08:00:00+07:00', 'DIRECT', '2025-08-10T17:00:00+07:00'),
  resolved(B, 'b2', '2025-08-09T08:00:00+07:00', '2025-08-10T17:00:00+07:00'),
  received(B, 'b3', '2025-09-05T08:00:00+07:00', 'DIRECT', '2025-09-30T17:00:00+07:00'),
  resolved(B, 'b3', '2025-10-01T08:00:00+07:00', '2025-09-30T17:00:00+07:00'),
];

/** The figures of a metrics object, in the order of the API. */
const fig = (
  [receivedTotal, receivedOnline, receivedDirect, onlineRate]: [number, number, number, number | null],
  [resolvedTotal, resolvedOnTime, resolvedLate, onTimeRate]: [number, number, number, number | null],
  [overdueOpen, openWithinDeadline, progress766Numerator, progress766Denominator, progressRate766]: [number, number, number, number, number | null],
) => ({
  receivedTotal,
  receivedOnline,
  receivedDirect,
  onlineRate,
  resolvedTotal,
  resolvedOnTime,
  resolvedLate,
  onTimeRate,
  overdueOpen,
  openWithinDeadline,
  progress766Numerator,
  progress766Denominator,
  progressRate766,
});

const ZERO = fig([0, 0, 0, null], [0, 0, 0, null], [0, 0, 0, 0, null]);

describe('query API (real Kafka, PostgreSQL, Redis)', () => {
  let h: PipelineHarness;
  const get = (path: string, headers: Record<string, string> = AUDITOR) => request(h.http()).get(path).set(headers);

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock(NOW));
    await h.start('ingest', 'aggregator', 'api');
    await h.produce(STREAM.map(asMessage));
    // Everything applied: the last facts of both units are counted.
    await eventually(async () => {
      const res = await get(`/api/v1/metrics/province?from=2025-06-01&to=2025-10-15`);
      expect(res.body).toMatchObject({ receivedTotal: 11, resolvedTotal: 8 });
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('range metrics', () => {
    it('gives a unit’s Q3 with the 766 rate next to the on-time rate: open overdue dossiers count against it', async () => {
      const res = await get(`/api/v1/metrics/units/${A}?from=2025-07-01&to=2025-09-30`);
      expect(res.status).toBe(200);
      // Received a2 a3 a4 a5 a6 (3 online); resolved a1 a4 on time, a2 late; at the end of 30 Sep
      // a3 and a8 are open past due, a5 and a6 open within deadline: 766 = (2 + 2) / 7.
      expect(res.body).toEqual({ unitCode: A, from: '2025-07-01', to: '2025-09-30', ...fig([5, 3, 2, 0.6], [3, 2, 1, 2 / 3], [2, 2, 4, 7, 4 / 7]) });
    });

    it('gives province Q3 totals summed over units, rates from the sums', async () => {
      const res = await get('/api/v1/metrics/province?from=2025-07-01&to=2025-09-30', IOC);
      expect(res.status).toBe(200);
      // B: received 3 (1 online), resolved 2 on time, b3 open past due at the end of 30 Sep.
      expect(res.body).toEqual({
        provinceCode: '86',
        unitCount: 125,
        from: '2025-07-01',
        to: '2025-09-30',
        ...fig([8, 4, 4, 0.5], [5, 4, 1, 0.8], [3, 2, 6, 10, 0.6]),
      });
    });

    it('lists every unit, zero for a unit without dossiers', async () => {
      const res = await get('/api/v1/metrics/units?from=2025-07-01&to=2025-09-30', IOC);
      expect(res.status).toBe(200);
      expect(res.body.units).toHaveLength(125);
      const byCode = new Map((res.body.units as { unitCode: string }[]).map((u) => [u.unitCode, u]));
      expect(byCode.get(B)).toEqual({ unitCode: B, from: '2025-07-01', to: '2025-09-30', ...fig([3, 1, 2, 1 / 3], [2, 2, 0, 1], [1, 0, 2, 3, 2 / 3]) });
      expect(byCode.get(OTHER)).toEqual({ unitCode: OTHER, from: '2025-07-01', to: '2025-09-30', ...ZERO });
    });

    it('counts a resolution at 00:10 local on 1 July in July, though it is 30 June in UTC', async () => {
      expect((await get(`/api/v1/metrics/units/${A}?from=2025-07-01&to=2025-07-01`)).body).toEqual({
        unitCode: A,
        from: '2025-07-01',
        to: '2025-07-01',
        // a2 received 00:05 direct; a1 resolved 00:10 on time; at the end of the day a2 and a8 are open within deadline.
        ...fig([1, 0, 1, 0], [1, 1, 0, 1], [0, 2, 3, 3, 1]),
      });
    });

    it('defaults to month-to-date', async () => {
      const res = await get(`/api/v1/metrics/units/${A}`);
      // October to the 15th, judged at NOW: a6 resolved late; a3 and a8 overdue, a5 within deadline.
      expect(res.body).toEqual({ unitCode: A, from: '2025-10-01', to: '2025-10-15', ...fig([0, 0, 0, null], [1, 0, 1, 0], [2, 1, 1, 4, 0.25]) });
    });
  });

  describe('series', () => {
    it('splits a unit’s days across local midnight', async () => {
      const res = await get(`/api/v1/metrics/units/${A}/series?from=2025-06-30&to=2025-07-02&granularity=day`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        unitCode: A,
        name: 'Phường Phú Khương',
        from: '2025-06-30',
        to: '2025-07-02',
        granularity: 'day',
        points: [
          // a1 received 23:30; at midnight a1 and a8 are open within deadline.
          { period: '2025-06-30', from: '2025-06-30', to: '2025-06-30', ...fig([1, 1, 0, 1], [0, 0, 0, null], [0, 2, 2, 2, 1]) },
          { period: '2025-07-01', from: '2025-07-01', to: '2025-07-01', ...fig([1, 0, 1, 0], [1, 1, 0, 1], [0, 2, 3, 3, 1]) },
          // a8's deadline (17:00) passes: open overdue; a2 still within deadline.
          { period: '2025-07-02', from: '2025-07-02', to: '2025-07-02', ...fig([0, 0, 0, null], [0, 0, 0, null], [1, 1, 1, 2, 0.5]) },
        ],
      });
    });

    it('groups a unit’s Q3 by month, a receipt at 23:59:59 on 31 Aug in August and its resolution at 00:00 in September', async () => {
      const res = await get(`/api/v1/metrics/units/${A}/series?from=2025-07-01&to=2025-09-30&granularity=month`);
      expect(res.status).toBe(200);
      expect(res.body.points).toEqual([
        { period: '2025-07', from: '2025-07-01', to: '2025-07-31', ...fig([2, 1, 1, 0.5], [2, 1, 1, 0.5], [2, 0, 1, 4, 0.25]) },
        { period: '2025-08', from: '2025-08-01', to: '2025-08-31', ...fig([1, 1, 0, 1], [0, 0, 0, null], [2, 1, 1, 3, 1 / 3]) },
        { period: '2025-09', from: '2025-09-01', to: '2025-09-30', ...fig([2, 1, 1, 0.5], [1, 1, 0, 1], [2, 2, 3, 5, 0.6]) },
      ]);
    });

    it('groups by quarter, clipping the first and last, the running quarter judged now', async () => {
      const res = await get(`/api/v1/metrics/units/${A}/series?from=2025-06-01&to=2025-10-15&granularity=quarter`, IOC);
      expect(res.status).toBe(200);
      expect(res.body.points).toEqual([
        { period: '2025-Q2', from: '2025-06-01', to: '2025-06-30', ...fig([3, 2, 1, 2 / 3], [1, 1, 0, 1], [0, 2, 3, 3, 1]) },
        { period: '2025-Q3', from: '2025-07-01', to: '2025-09-30', ...fig([5, 3, 2, 0.6], [3, 2, 1, 2 / 3], [2, 2, 4, 7, 4 / 7]) },
        { period: '2025-Q4', from: '2025-10-01', to: '2025-10-15', ...fig([0, 0, 0, null], [1, 0, 1, 0], [2, 1, 1, 4, 0.25]) },
      ]);
    });

    it('gives one point a year, and the province series sums the units', async () => {
      const year = await get(`/api/v1/metrics/units/${B}/series?from=2025-01-01&to=2025-12-31&granularity=year`);
      // 2025 judged now: b1 b2 on time, b3 late (1 October).
      expect(year.body.points).toEqual([{ period: '2025', from: '2025-01-01', to: '2025-12-31', ...fig([3, 1, 2, 1 / 3], [3, 2, 1, 2 / 3], [0, 0, 2, 3, 2 / 3]) }]);
      const province = await get('/api/v1/metrics/province/series?from=2025-07-01&to=2025-09-30&granularity=month', IOC);
      expect(province.status).toBe(200);
      expect(province.body).toMatchObject({ provinceCode: '86', granularity: 'month' });
      expect(province.body.points).toEqual([
        { period: '2025-07', from: '2025-07-01', to: '2025-07-31', ...fig([3, 2, 1, 2 / 3], [3, 2, 1, 2 / 3], [2, 0, 2, 5, 0.4]) },
        { period: '2025-08', from: '2025-08-01', to: '2025-08-31', ...fig([2, 1, 1, 0.5], [1, 1, 0, 1], [2, 1, 2, 4, 0.5]) },
        { period: '2025-09', from: '2025-09-01', to: '2025-09-30', ...fig([3, 1, 2, 1 / 3], [1, 1, 0, 1], [3, 2, 3, 6, 0.5]) },
      ]);
    });
  });

  describe('ranking', () => {
    const ranked = async (metric: string) => {
      const res = await get(`/api/v1/metrics/ranking?from=2025-07-01&to=2025-09-30&metric=${metric}`, IOC);
      expect(res.status).toBe(200);
      expect(res.body.units).toHaveLength(125);
      return res.body;
    };

    it('orders by online rate ascending, the weakest first, units without dossiers last', async () => {
      const body = await ranked('onlineRate');
      expect(body).toMatchObject({ from: '2025-07-01', to: '2025-09-30', metric: 'onlineRate' });
      expect(body.units.slice(0, 3).map((u: { rank: number; unitCode: string; name: string; onlineRate: number | null }) => [u.rank, u.unitCode, u.name, u.onlineRate])).toEqual([
        [1, B, 'Phường An Hội', 1 / 3],
        [2, A, 'Phường Phú Khương', 0.6],
        [3, '28783', expect.any(String), null],
      ]);
    });

    it('orders by the 766 rate and by the on-time rate', async () => {
      expect((await ranked('progressRate766')).units.slice(0, 2).map((u: { unitCode: string }) => u.unitCode)).toEqual([A, B]);
      expect((await ranked('onTimeRate')).units.slice(0, 2).map((u: { unitCode: string; onTimeRate: number }) => [u.unitCode, u.onTimeRate])).toEqual([
        [A, 2 / 3],
        [B, 1],
      ]);
    });
  });

  describe('766 in SQL and in the domain agree', () => {
    it('gives the same counts from progress766ByUnit as the pure function over the stored dossiers', async () => {
      const sql: Sql = { query: <T>(text: string, params?: unknown[]) => h.sql(text, params) as Promise<T> };
      const keys = await h.sql<{ unitCode: string; dossierId: string }>('SELECT unit_code AS "unitCode", dossier_id AS "dossierId" FROM dossiers');
      expect(keys).toHaveLength(11);
      const states = [...(await loadDossiers(sql, keys)).values()];
      const now = Date.parse(NOW);
      const periodSets: ProgressPeriod[][] = [
        [{ start: startOfLocalDay('2025-07-01'), at: endOfLocalDay('2025-09-30') - 1 }],
        seriesPeriods('2025-06-01', '2025-10-15', 'day', now),
        seriesPeriods('2025-06-01', '2025-10-15', 'month', now),
        seriesPeriods('2025-01-01', '2025-12-31', 'quarter', now),
      ];
      for (const periods of periodSets) {
        const fromSql = await progress766ByUnit(sql, periods);
        for (const unit of [A, B]) {
          const mine = states.filter((s: DossierState) => s.unitCode === unit);
          expect(fromSql.get(unit)).toEqual(periods.map((p) => progress766Counts(mine, p)));
        }
        expect([...fromSql.keys()].sort()).toEqual([A, B]);
        // Summed in SQL for the province's series: the pure counts over both units' dossiers.
        expect(await progress766Total(sql, periods)).toEqual(periods.map((p) => progress766Counts(states, p)));
      }
    });
  });

  describe("gauge changes rebuilt from dossiers (the migration backfill) equal the aggregator's", () => {
    it("rewrites every day row's open/overdue changes to the same values", async () => {
      const gauges = () =>
        h.sql<{ unit_code: string; day: string; open_change: number; overdue_change: number }>(
          `SELECT unit_code, to_char(day, 'YYYY-MM-DD') AS day, open_change, overdue_change FROM unit_daily_counters
            WHERE open_change <> 0 OR overdue_change <> 0 ORDER BY unit_code, day`,
        );
      const kept = await gauges();
      expect(kept.length).toBeGreaterThan(3);
      await h.sql(`UPDATE unit_daily_counters SET open_change = 0, overdue_change = 0`);
      // A stray value on a day no dossier touches must go too.
      await h.sql(`UPDATE unit_daily_counters SET overdue_change = 5 WHERE day = (SELECT min(day) FROM unit_daily_counters)`);
      await h.sql(REBUILD_GAUGE_CHANGES_FROM_DOSSIERS);
      expect(await gauges()).toEqual(kept);
    });
  });

  describe('live figures from Redis', () => {
    it('serves today, month-to-date and rolling 30 days for the province and each unit', async () => {
      await eventually(async () => {
        const res = await get('/api/v1/metrics/live', IOC);
        expect(res.status).toBe(200);
        // Rolling 30 days ending 15 Oct start 16 Sep: a5 (direct), a6 (online) received; a6 and b3 resolved late.
        expect(res.body.province.rolling30d).toMatchObject({
          from: '2025-09-16',
          to: '2025-10-15',
          receivedTotal: 2,
          receivedOnline: 1,
          onlineRate: 0.5,
          resolvedTotal: 2,
          resolvedOnTime: 0,
          onTimeRate: 0,
        });
        expect(res.body.province.monthToDate).toMatchObject({ from: '2025-10-01', receivedTotal: 0, onlineRate: null, resolvedTotal: 2, resolvedLate: 2 });
        const a = res.body.units.find((u: { unitCode: string }) => u.unitCode === A);
        expect(a).toMatchObject({ name: 'Phường Phú Khương', overdueOpen: 2, rolling30d: { receivedTotal: 2, receivedOnline: 1, resolvedLate: 1 } });
        expect(res.body.units).toHaveLength(125);
      });
    });

    it('answers ?provinceCode= for the province it serves, 404 for another and 400 for a malformed one', async () => {
      const own = await get('/api/v1/metrics/live?provinceCode=86', IOC);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ provinceCode: '86', provinceName: 'Tỉnh Vĩnh Long' });
      expect(own.body.units).toHaveLength(125);
      expect(own.body.province).toEqual((await get('/api/v1/metrics/live', IOC)).body.province);
      const other = await get('/api/v1/metrics/live?provinceCode=01', IOC);
      expect(other.status).toBe(404);
      expect(other.body.message).toBe('province "01" is not served here: this deployment serves province 86 only');
      const malformed = await get('/api/v1/metrics/live?provinceCode=8a', IOC);
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toEqual(['provinceCode must be a two-digit province code such as 86']);
    });
  });

  describe('exports', () => {
    const ROW_A = `${A},Phường Phú Khương,5,3,2,60,3,2,1,66.67,2,2,4,7,57.14`;
    const ROW_B = `${B},Phường An Hội,3,1,2,33.33,2,2,0,100,1,0,2,3,66.67`;
    const HEADER = 'Tiếp nhận,Trực tuyến,Trực tiếp,Tỷ lệ trực tuyến (%),Đã giải quyết,Đúng hạn,Trễ hạn,Tỷ lệ đúng hạn (%),Quá hạn đang mở,Trong hạn đang mở,Tử số 766,Mẫu số 766,Tỷ lệ 766 (%)';

    const asOfLocal = async () => {
      const [{ at }] = await h.sql<{ at: Date }>('SELECT max(updated_at) AS at FROM unit_daily_counters');
      return `${new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;
    };
    const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    };

    it('exports unit metrics as CSV with a BOM, Vietnamese headers, the period, generation and as-of times', async () => {
      const res = await get('/api/v1/exports/units.csv?from=2025-07-01&to=2025-09-30').buffer(true).parse(binary);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toContain('attachment; filename="tthc-don-vi_2025-07-01_2025-09-30.csv"');
      const body = res.body as Buffer;
      expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = body.subarray(3).toString('utf8').split('\r\n');
      expect(lines.slice(0, 7)).toEqual([
        'Chỉ số giải quyết hồ sơ TTHC theo đơn vị — Tỉnh Vĩnh Long',
        'Kỳ báo cáo,2025-07-01 đến 2025-09-30',
        'Thời điểm xuất,2025-10-15T12:00:00+07:00',
        `Dữ liệu tính đến,${await asOfLocal()}`,
        // The key that asked, by name (issue 10).
        'Người xuất (khóa API),local-auditor',
        '',
        `Mã đơn vị,Tên đơn vị,${HEADER}`,
      ]);
      const rows = lines.slice(7, -1);
      expect(rows).toHaveLength(125);
      expect(lines.at(-1)).toBe('');
      expect(rows).toContain(ROW_A);
      expect(rows).toContain(ROW_B);
      expect(rows.find((r) => r.startsWith(`${OTHER},`))).toMatch(/^28783,[^,]+,0,0,0,,0,0,0,,0,0,0,0,$/);
    });

    it('exports the same rows as XLSX', async () => {
      const res = await get('/api/v1/exports/units.xlsx?from=2025-07-01&to=2025-09-30').buffer(true).parse(binary);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).toContain('filename="tthc-don-vi_2025-07-01_2025-09-30.xlsx"');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as Buffer);
      const sheet = wb.getWorksheet('Số liệu')!;
      const values = (r: number) => (sheet.getRow(r).values as unknown[]).slice(1);
      expect(values(2)).toEqual(['Kỳ báo cáo', '2025-07-01 đến 2025-09-30']);
      expect(values(3)).toEqual(['Thời điểm xuất', '2025-10-15T12:00:00+07:00']);
      expect(values(5)).toEqual(['Người xuất (khóa API)', 'local-auditor']);
      expect(values(7)).toEqual(['Mã đơn vị', 'Tên đơn vị', ...HEADER.split(',')]);
      const rows = Array.from({ length: 125 }, (_, i) => values(8 + i));
      expect(rows.find((r) => r[0] === A)).toEqual([A, 'Phường Phú Khương', 5, 3, 2, 60, 3, 2, 1, 66.67, 2, 2, 4, 7, 57.14]);
      expect(rows.find((r) => r[0] === B)).toEqual([B, 'Phường An Hội', 3, 1, 2, 33.33, 2, 2, 0, 100, 1, 0, 2, 3, 66.67]);
      expect(sheet.getRow(8 + 125).values).toEqual([]);
    });

    it('exports a unit’s monthly series as CSV and XLSX', async () => {
      const csv = await get(`/api/v1/exports/units/${A}/series.csv?from=2025-07-01&to=2025-09-30&granularity=month`).buffer(true).parse(binary);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-disposition']).toContain(`filename="tthc-chuoi_${A}_month_2025-07-01_2025-09-30.csv"`);
      const lines = (csv.body as Buffer).subarray(3).toString('utf8').split('\r\n');
      expect(lines[0]).toBe(`Chuỗi số liệu theo tháng — Phường Phú Khương (mã ${A})`);
      expect(lines.slice(6)).toEqual([
        `Kỳ,Từ ngày,Đến ngày,${HEADER}`,
        '2025-07,2025-07-01,2025-07-31,2,1,1,50,2,1,1,50,2,0,1,4,25',
        '2025-08,2025-08-01,2025-08-31,1,1,0,100,0,0,0,,2,1,1,3,33.33',
        '2025-09,2025-09-01,2025-09-30,2,1,1,50,1,1,0,100,2,2,3,5,60',
        '',
      ]);
      const xlsx = await get(`/api/v1/exports/units/${A}/series.xlsx?from=2025-07-01&to=2025-09-30&granularity=month`).buffer(true).parse(binary);
      expect(xlsx.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.body as Buffer);
      const sheet = wb.worksheets[0];
      expect((sheet.getRow(9).values as unknown[]).slice(1)).toEqual(['2025-08', '2025-08-01', '2025-08-31', 1, 1, 0, 100, 0, 0, 0, undefined, 2, 1, 1, 3, 33.33]);
    });

    it('exports the province series', async () => {
      const csv = await get('/api/v1/exports/province/series.csv?from=2025-07-01&to=2025-09-30&granularity=quarter').buffer(true).parse(binary);
      expect(csv.status).toBe(200);
      const lines = (csv.body as Buffer).subarray(3).toString('utf8').split('\r\n');
      expect(lines[0]).toBe('Chuỗi số liệu theo quý — Tỉnh Vĩnh Long');
      expect(lines[7]).toBe('2025-Q3,2025-07-01,2025-09-30,8,4,4,50,5,4,1,80,3,2,6,10,60');
    });
  });

  describe('access control', () => {
    it('answers 401 without a key and with an unknown key', async () => {
      const none = await request(h.http()).get('/api/v1/metrics/province');
      expect(none.status).toBe(401);
      expect(none.body.message).toBe('X-API-Key header is required');
      const wrong = await get('/api/v1/metrics/province', { 'X-API-Key': 'not-a-real-key-123' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.message).toBe('the API key is not valid');
    });

    it.each([
      ['/api/v1/metrics/province', OPERATOR, 'ioc, auditor'],
      ['/api/v1/metrics/units', OPERATOR, 'ioc, auditor'],
      [`/api/v1/metrics/units/${A}`, OPERATOR, 'ioc, auditor'],
      [`/api/v1/metrics/units/${A}/series`, OPERATOR, 'auditor, ioc'],
      ['/api/v1/metrics/province/series', OPERATOR, 'ioc, auditor'],
      ['/api/v1/metrics/ranking', OPERATOR, 'ioc, auditor'],
      ['/api/v1/metrics/live', AUDITOR, 'ioc'],
      ['/api/v1/metrics/live', OPERATOR, 'ioc'],
      ['/api/v1/exports/units.csv', IOC, 'auditor'],
      ['/api/v1/exports/units.xlsx', OPERATOR, 'auditor'],
      [`/api/v1/exports/units/${A}/series.csv`, IOC, 'auditor'],
      [`/api/v1/exports/units/${A}/series.xlsx`, IOC, 'auditor'],
      ['/api/v1/exports/province/series.csv', IOC, 'auditor'],
    ])('answers 403 on %s for the wrong role', async (path, key, roles) => {
      const res = await get(path, key);
      expect(res.status).toBe(403);
      expect(res.body.message).toBe(`this endpoint requires one of the roles: ${roles}`);
    });

    it('lets admin read everything and any role list the units', async () => {
      expect((await get('/api/v1/metrics/live', ADMIN)).status).toBe(200);
      expect((await get('/api/v1/exports/units.csv', ADMIN)).status).toBe(200);
      const units = await get('/api/v1/units', OPERATOR);
      expect(units.status).toBe(200);
      expect(units.body).toHaveLength(125);
    });
  });

  describe('parameter validation', () => {
    const expect400 = async (path: string, message: string, key = AUDITOR) => {
      const res = await get(path, key);
      expect(res.status).toBe(400);
      const messages = Array.isArray(res.body.message) ? res.body.message : [res.body.message];
      expect(messages).toEqual([message]);
    };

    it.each([
      ['/api/v1/metrics/province?from=2025-02-30', 'from must be a calendar date written YYYY-MM-DD (local time), got "2025-02-30"'],
      ['/api/v1/metrics/units?to=2025-7-1', 'to must be a calendar date written YYYY-MM-DD (local time), got "2025-7-1"'],
      [`/api/v1/metrics/units/${A}?from=2025-09-30&to=2025-07-01`, 'from (2025-09-30) is after to (2025-07-01)'],
      // 2014-01-01 … 2025-01-01: 11 × 365 days + 3 leap days (2016, 2020, 2024) + 1 day.
      ['/api/v1/metrics/province?from=2014-01-01&to=2025-01-01', 'the range covers 4019 days; at most 3660 are allowed'],
      [`/api/v1/metrics/units/${A}/series?granularity=week`, 'granularity must be one of: day, month, quarter, year, got "week"'],
      ['/api/v1/metrics/province/series?granularity=hour', 'granularity must be one of: day, month, quarter, year, got "hour"'],
      ['/api/v1/metrics/ranking?metric=speed', 'metric must be one of: onlineRate, onTimeRate, progressRate766, got "speed"'],
      ['/api/v1/metrics/units?form=2025-07-01', 'property form should not exist'],
      ['/api/v1/exports/units.csv?from=2025-13-01', 'from must be a calendar date written YYYY-MM-DD (local time), got "2025-13-01"'],
      [`/api/v1/exports/units/${A}/series.xlsx?from=2025-10-01&to=2025-09-01`, 'from (2025-10-01) is after to (2025-09-01)'],
    ])('answers 400 for %s', async (path, message) => {
      await expect400(path, message);
    });

    it.each([
      `/api/v1/metrics/units/99999?from=2025-07-01&to=2025-07-31`,
      `/api/v1/metrics/units/99999/series?granularity=month`,
      `/api/v1/exports/units/99999/series.csv`,
      `/api/v1/exports/units/99999/series.xlsx`,
    ])('answers 404 for an unknown unit: %s', async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.body.message).toBe('unit "99999" is not in the unit catalogue');
    });
  });

  describe('OpenAPI', () => {
    it('publishes the document generated from the code, with the API-key scheme', async () => {
      const res = await request(h.http()).get('/api/docs-json');
      expect(res.status).toBe(200);
      const doc = res.body;
      expect(doc.components.securitySchemes['api-key']).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }));
      for (const path of [
        '/api/v1/metrics/province',
        '/api/v1/metrics/province/series',
        '/api/v1/metrics/units',
        '/api/v1/metrics/units/{unitCode}',
        '/api/v1/metrics/units/{unitCode}/series',
        '/api/v1/metrics/ranking',
        '/api/v1/metrics/live',
        '/api/v1/exports/units.csv',
        '/api/v1/exports/units/{unitCode}/series.xlsx',
      ]) {
        expect(doc.paths[path]?.get).toBeDefined();
      }
      const series = doc.paths['/api/v1/metrics/units/{unitCode}/series'].get;
      expect(series.security).toEqual([{ 'api-key': [] }]);
      expect(series.parameters.find((p: { name: string }) => p.name === 'granularity').schema.enum).toEqual(['day', 'month', 'quarter', 'year']);
      expect(Object.keys(doc.components.schemas.UnitMetricsDto.properties as object)).toEqual(
        expect.arrayContaining(['unitCode', 'onlineRate', 'onTimeRate', 'overdueOpen', 'progressRate766', 'progress766Numerator', 'progress766Denominator']),
      );
      const ui = await request(h.http()).get('/api/docs/');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger-ui');
    });
  });
});

describe('rate limiting per API key', () => {
  let h: PipelineHarness;

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock(NOW), { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
    await h.start('api');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('answers 429 with a message once a key spends its budget, without touching other keys or public routes', async () => {
    const call = (key: Record<string, string>) => request(h.http()).get('/api/v1/units').set(key);
    for (let i = 0; i < 3; i++) expect((await call(IOC)).status).toBe(200);
    const limited = await call(IOC);
    expect(limited.status).toBe(429);
    expect(limited.body.message).toBe('too many requests for this API key: at most 3 per 60 s; retry later');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key from the same address has its own budget.
    expect((await call(AUDITOR)).status).toBe(200);
    // Health checks and the pages are not limited.
    for (let i = 0; i < 5; i++) expect((await request(h.http()).get('/api/v1/health')).status).toBe(200);
    expect((await request(h.http()).get('/')).status).toBe(200);
  });
});
