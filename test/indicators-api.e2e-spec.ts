import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { type IndicatorCounts, zeroIndicatorCounts } from '@tthc/domain';
import { type Sql, applyIndicatorDeltas } from '@tthc/persistence';
import { PipelineHarness, fixedClock } from './support/pipeline-harness';

/**
 * Issue 15's surfaces on the real PostgreSQL: the procedure catalogue and `GET /metrics/indicators`
 * over (unit, procedure, day) rows written as the aggregator writes them. Every expected figure is
 * worked out by hand from the rows below, not from the code.
 */
const IOC = { 'X-API-Key': 'local-ioc-key' };
const AUDITOR = { 'X-API-Key': 'local-auditor-key' };
const OPERATOR = { 'X-API-Key': 'local-operator-key' };
const A = '28756'; // Phường Phú Khương
const B = '28777'; // Phường An Hội
const DAY_MS = 86_400_000;
const JULY = 'from=2025-07-01&to=2025-07-31';

const row = (unitCode: string, procedureCode: string, day: string, c: Partial<IndicatorCounts>) => ({ unitCode, procedureCode, day, counts: { ...zeroIndicatorCounts(), ...c } });
const ROWS = [
  // Before July: only its open dossiers (2) reach into the period, through the gauge.
  row(A, '1.001193', '2025-06-30', { receivedTotal: 3, receivedOnline: 3, openChange: 2 }),
  // Khai sinh (COMMUNE, essential): 10 received, 8 online, all v2, 9 fully online, 6 digitised at receipt; 10 resolved,
  // 9 on time (3 ahead), 1 late, 2 days each; 8 electronic results, 7 digitised, 5 reusing data; 4 of 5 payments online;
  // 5 ratings summing 22, 4 satisfied; 2 feedback items, 1 answered on time, 1 late.
  row(A, '1.001193', '2025-07-10', {
    receivedTotal: 10,
    receivedOnline: 8,
    receivedDirect: 2,
    receivedV2: 10,
    fullyOnline: 9,
    componentsDigitized: 6,
    resolvedTotal: 10,
    resolvedOnTime: 9,
    resolvedAhead: 3,
    resolvedLate: 1,
    handlingCount: 10,
    handlingMsSum: 20 * DAY_MS,
    resolvedV2: 10,
    resultElectronic: 8,
    resultDigitized: 7,
    dataReused: 5,
    paidOnline: 4,
    paidCounter: 1,
    ratedCount: 5,
    ratingSum: 22,
    ratedSatisfied: 4,
    feedbackReceived: 2,
    feedbackResolvedOnTime: 1,
    feedbackResolvedLate: 1,
  }),
  // Chứng thực bản sao (SHARED): 10 received, 2 online, all v2, 1 fully online; 5 resolved on time, 1 day each; 5 open, 1 overdue.
  row(A, '2.000815', '2025-07-20', {
    receivedTotal: 10,
    receivedOnline: 2,
    receivedDirect: 8,
    receivedV2: 10,
    fullyOnline: 1,
    resolvedTotal: 5,
    resolvedOnTime: 5,
    handlingCount: 5,
    handlingMsSum: 5 * DAY_MS,
    openChange: 5,
    overdueChange: 1,
  }),
  // A code the catalogue does not hold, v1 only (no v2 fields): counted under no level.
  row(B, '9.999999', '2025-07-05', { receivedTotal: 4, receivedOnline: 4, resolvedTotal: 0 }),
  // After July: outside the period.
  row(B, '1.001193', '2025-08-01', { receivedTotal: 50, receivedV2: 50, fullyOnline: 50 }),
];

describe('procedure catalogue and indicators api (real PostgreSQL)', () => {
  let h: PipelineHarness;
  const get = (path: string, headers: Record<string, string> = AUDITOR) => request(h.http()).get(path).set(headers);

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-08-15T12:00:00+07:00'));
    await h.start('api');
    await applyIndicatorDeltas({ query: (text: string, params?: unknown[]) => h.sql(text, params) } as Sql, ROWS);
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('GET /procedures', () => {
    it('lists the seeded real sample, names with diacritics, filtered by level and essential service', async () => {
      const shared = await get('/api/v1/procedures?level=SHARED', IOC).expect(200);
      expect(shared.body.map((p: { code: string }) => p.code)).toEqual(['2.000815', '2.000884']);
      const essential = await get('/api/v1/procedures?essential=true', IOC).expect(200);
      expect(essential.body).toContainEqual({
        code: '1.001193',
        name: 'Đăng ký khai sinh',
        level: 'COMMUNE',
        levelLabel: 'Cấp xã',
        onlineService: true,
        onlinePayment: true,
        essential: true,
        deadlineWorkingDays: 1,
      });
      expect(essential.body.every((p: { essential: boolean }) => p.essential)).toBe(true);
    });

    it.each([
      ['level=HUYEN', /level must be one of: PROVINCIAL, COMMUNE, SHARED, got "HUYEN"/],
      ['essential=maybe', /essential must be true or false/],
      ['sort=name', /property sort should not exist/],
    ])('answers 400 naming the parameter for %s', async (query, message) => {
      const res = await get(`/api/v1/procedures?${query}`, IOC).expect(400);
      expect([res.body.message].flat().join('\n')).toMatch(message);
    });
  });

  describe('GET /metrics/indicators', () => {
    it('per unit: the summed counts, every rate, the average handling time and the five groups from the sums, ranked', async () => {
      const res = await get(`/api/v1/metrics/indicators?${JULY}&rankBy=fullyOnlineRate`, IOC).expect(200);
      expect(res.body.rows).toHaveLength(125);
      const [first] = res.body.rows;
      expect(first).toMatchObject({ rank: 1, key: A, name: 'Phường Phú Khương' });
      expect(first.counts).toMatchObject({ receivedTotal: 20, receivedV2: 20, fullyOnline: 10, resolvedTotal: 15, resolvedOnTime: 14, openAtEnd: 7, overdueAtEnd: 1 });
      const r = first.rates;
      expect(r.fullyOnlineRate).toBe(10 / 20);
      expect(r.onlineRate).toBe(10 / 20);
      expect(r.onTimeRate).toBeCloseTo(14 / 15, 12);
      expect(r.aheadRate).toBeCloseTo(3 / 15, 12);
      expect(r.progressRate766).toBeCloseTo((14 + (7 - 1)) / (15 + 7), 12);
      expect(r.averageHandlingDays).toBeCloseTo(25 / 15, 12);
      expect(r.digitisedRate).toBeCloseTo((6 + 7) / (20 + 10), 12);
      expect(r.onlinePaymentRate).toBe(4 / 5);
      expect(r.averageScore).toBe(22 / 5);
      const points = Object.fromEntries((first.score766.groups as { group: string; points: number }[]).map((g) => [g.group, g.points]));
      expect(points.transparency).toBeCloseTo(18 * (1 / 2), 9);
      expect(points.progress).toBeCloseTo(20 * ((14 / 15 + 20 / 22) / 2), 9);
      expect(points.digitisation).toBeCloseTo(22 * ((8 / 10 + 13 / 30 + 5 / 10) / 3), 9);
      expect(points.onlineService).toBeCloseTo(22 * ((0.5 + 0.5 + 0.8) / 3), 9);
      expect(points.satisfaction).toBeCloseTo(18 * (4 / 5), 9);
      expect(first.score766.total).toBeCloseTo(
        Object.values(points as Record<string, number>).reduce((a, b) => a + b, 0),
        9,
      );
      expect(first.score766.measuredPoints).toBe(100);
      // B received only v1 dossiers: no fully-online figure, ranked after every unit that has one.
      expect(res.body.rows.find((u: { key: string }) => u.key === B)).toMatchObject({ rates: { fullyOnlineRate: null, onlineRate: 1 } });
    });

    it('per level: commune, shared, provincial and the uncatalogued code add up to the province', async () => {
      const res = await get(`/api/v1/metrics/indicators?${JULY}&by=level&rankBy=onlineRate`).expect(200);
      const received = Object.fromEntries((res.body.rows as { key: string; counts: { receivedTotal: number } }[]).map((l) => [l.key, l.counts.receivedTotal]));
      expect(received).toEqual({ COMMUNE: 10, SHARED: 10, PROVINCIAL: 0, UNCATALOGUED: 4 });
      expect(res.body.rows.map((l: { key: string }) => l.key)).toEqual(['UNCATALOGUED', 'COMMUNE', 'SHARED', 'PROVINCIAL']);
      expect(res.body.rows.find((l: { key: string }) => l.key === 'SHARED').name).toBe('Dùng chung hai cấp');
      const province = await get(`/api/v1/metrics/indicators?${JULY}&by=province`).expect(200);
      expect(province.body.rows).toEqual([expect.objectContaining({ key: '86', rank: 1 })]);
      expect(province.body.rows[0].counts.receivedTotal).toBe(24);
      expect(res.body.total.counts).toEqual(province.body.total.counts);
    });

    it('a unit’s procedures ranked by average handling time, shortest first', async () => {
      const res = await get(`/api/v1/metrics/indicators?${JULY}&by=procedure&unitCode=${A}&rankBy=averageHandlingDays`).expect(200);
      expect(res.body.rows.slice(0, 2).map((p: { key: string; rates: { averageHandlingDays: number } }) => [p.key, p.rates.averageHandlingDays])).toEqual([
        ['2.000815', 1],
        ['1.001193', 2],
      ]);
      expect(res.body.rows[0].procedure).toEqual({ level: 'SHARED', essential: false, onlineService: true, onlinePayment: true });
      expect(res.body.rows[2].rates.averageHandlingDays).toBeNull();
    });

    it('essential services only: the dossiers of Đề án 06 procedures', async () => {
      const res = await get(`/api/v1/metrics/indicators?${JULY}&essential=true&unitCode=${A}`).expect(200);
      expect(res.body.rows[0].counts).toMatchObject({ receivedTotal: 10, fullyOnline: 9 });
      expect(res.body.filters).toEqual({ unitCode: A, procedureCode: null, level: null, essential: true });
    });

    it.each([
      ['by=district', 400, /by must be one of: unit, procedure, level, province/],
      ['rankBy=popularity', 400, /rankBy must be one of: score766, fullyOnlineRate/],
      ['level=XA', 400, /level must be one of/],
      ['essential=1', 400, /essential must be true or false/],
      ['procedureCode=KS01', 400, /procedureCode must look like 1\.001193/],
      ['from=2025-07-31&to=2025-07-01', 400, /from \(2025-07-31\) is after to \(2025-07-01\)/],
      ['unitCode=99999', 404, /unit "99999" is not in the unit catalogue/],
    ])('%s → %i with a message that says why', async (query, status, message) => {
      const res = await get(`/api/v1/metrics/indicators?${query}`).expect(status);
      expect([res.body.message].flat().join('\n')).toMatch(message);
    });

    it('a series of every indicator: the province by month, a unit by day', async () => {
      const month = await get(`/api/v1/metrics/indicators/series?${JULY}&granularity=month`, IOC).expect(200);
      expect(month.body).toMatchObject({ provinceCode: '86', name: 'Tỉnh Vĩnh Long', granularity: 'month' });
      expect(month.body.points).toHaveLength(1);
      expect(month.body.points[0].counts).toMatchObject({ receivedTotal: 24, receivedV2: 20, fullyOnline: 10, openAtEnd: 7 });
      const days = await get(`/api/v1/metrics/indicators/series?from=2025-07-09&to=2025-07-11&unitCode=${A}`, IOC).expect(200);
      expect(days.body.points.map((p: { period: string; rates: { fullyOnlineRate: number | null } }) => [p.period, p.rates.fullyOnlineRate])).toEqual([
        ['2025-07-09', null],
        ['2025-07-10', 0.9],
        ['2025-07-11', null],
      ]);
      await get('/api/v1/metrics/indicators/series?unitCode=99999', IOC).expect(404);
      await get('/api/v1/metrics/indicators/series?granularity=week', IOC).expect(400);
    });

    it('is for the ioc and auditor roles', async () => {
      await get(`/api/v1/metrics/indicators?${JULY}`, OPERATOR).expect(403);
    });
  });

  it('documents the new routes and their parameters in the OpenAPI document', async () => {
    const doc = (await request(h.http()).get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths as object)).toEqual(
      expect.arrayContaining(['/api/v1/procedures', '/api/v1/metrics/indicators', '/api/v1/metrics/indicators/series', '/api/v1/exports/indicators.csv', '/api/v1/exports/indicators.xlsx']),
    );
    const params = doc.paths['/api/v1/metrics/indicators'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['from', 'to', 'by', 'rankBy', 'unitCode', 'procedureCode', 'level', 'essential']));
    expect(Object.keys(doc.components.schemas.IndicatorRatesDto.properties as object)).toEqual(expect.arrayContaining(['fullyOnlineRate', 'averageHandlingDays', 'satisfactionRate']));
  });

  describe('GET /exports/indicators.csv|.xlsx', () => {
    const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    };

    it('exports every indicator per level, ranked, with a total row, as CSV and as XLSX, recorded under the key’s name', async () => {
      const csv = await get(`/api/v1/exports/indicators.csv?${JULY}&by=level&rankBy=onlineRate`).buffer(true).parse(binary).expect(200);
      expect(csv.headers['content-disposition']).toContain('filename="tthc-chi-so_level_2025-07-01_2025-07-31.csv"');
      // Headers such as "Phản ánh, kiến nghị tiếp nhận" hold commas: read the file as CSV, as a spreadsheet would.
      const lines: string[][] = parse((csv.body as Buffer).subarray(3), { relax_column_count: true });
      expect(lines[0]).toEqual(['Bộ chỉ số 766 theo cấp thủ tục — Tỉnh Vĩnh Long']);
      expect(lines).toContainEqual(['Xếp hạng theo', 'onlineRate']);
      const headerAt = lines.findIndex((l) => l[0] === 'Hạng');
      const header = lines[headerAt];
      expect(header.slice(0, 4)).toEqual(['Hạng', 'Cấp', 'Tên', 'Tiếp nhận']);
      expect(header).toEqual(expect.arrayContaining(['Tỷ lệ toàn trình trực tuyến (%)', 'Thời gian xử lý trung bình (ngày)', 'Số hóa hồ sơ (điểm)', 'Tổng điểm 766 (/100)']));
      const col = (name: string) => header.indexOf(name);
      const rows = lines.slice(headerAt + 1);
      expect(rows.map((r) => r[1])).toEqual(['UNCATALOGUED', 'COMMUNE', 'SHARED', 'PROVINCIAL', 'Tổng']);
      const shared = rows.find((r) => r[1] === 'SHARED')!;
      // Chứng thực: 2 of 10 online, 1 of 10 fully online, 5 resolved in 5 days.
      expect([shared[col('Tiếp nhận')], shared[col('Tỷ lệ trực tuyến (%)')], shared[col('Tỷ lệ toàn trình trực tuyến (%)')], shared[col('Thời gian xử lý trung bình (ngày)')]]).toEqual([
        '10',
        '20',
        '10',
        '1',
      ]);
      expect(rows.at(-1)![col('Tiếp nhận')]).toBe('24');

      const xlsx = await get(`/api/v1/exports/indicators.xlsx?${JULY}&by=level&rankBy=onlineRate`).buffer(true).parse(binary).expect(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.body as Buffer);
      const sheet = wb.getWorksheet('Số liệu')!;
      const values = [...Array(sheet.rowCount).keys()].map((i) => (sheet.getRow(i + 1).values as unknown[]).slice(1));
      const xShared = values.find((r) => r[1] === 'SHARED')!;
      expect([xShared[col('Tiếp nhận')], xShared[col('Tỷ lệ toàn trình trực tuyến (%)')]]).toEqual([10, 10]);
      const log = await h.sql<{ actor: string; report: string; format: string }>(`SELECT actor, report, format FROM export_log WHERE report = 'indicators-level' ORDER BY id`);
      expect(log).toEqual([
        { actor: 'local-auditor', report: 'indicators-level', format: 'csv' },
        { actor: 'local-auditor', report: 'indicators-level', format: 'xlsx' },
      ]);
    });

    it('is for auditors only', async () => {
      await get(`/api/v1/exports/indicators.csv?${JULY}`, IOC).expect(403);
    });
  });
});
