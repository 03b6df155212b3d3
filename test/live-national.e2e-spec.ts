import request from 'supertest';
import { loadUnitCatalogue } from '@tthc/catalogue';
import { validatedReceipts } from './support/dossier-events';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';

/**
 * A national deployment (`PROVINCE_CODE=all`, ~3,400 units) on the real stack: `GET
 * /metrics/live` answers every province, ~6 MB, and `?provinceCode=` one province's units and
 * totals — what an IOC screen of that province asks for.
 */
describe('live figures of a national deployment (real Kafka, PostgreSQL, Redis)', () => {
  const IOC = { 'X-API-Key': 'local-ioc-key' };
  const T = Date.parse('2025-07-15T09:00:00+07:00');
  const VINH_LONG_UNIT = '28756'; // Phường Phú Khương, province 86
  const HA_NOI_UNIT = '00004'; // Phường Ba Đình, province 01
  let h: PipelineHarness;
  let n = 0;

  const produce = (unit: string, count: number) => {
    const messages = validatedReceipts(unit, n + 1, count, T);
    n += count;
    return h.produce(messages, h.env.TOPIC_VALIDATED);
  };
  const live = (query = '') => request(h.http()).get(`/api/v1/metrics/live${query}`).set(IOC);
  // A /metrics/live body (supertest types it `any`).
  const codes = (body: unknown) => (body as { units: { unitCode: string }[] }).units.map((u) => u.unitCode).sort();
  const catalogueCodes = (province: string) =>
    loadUnitCatalogue(province)
      .map((u) => u.code)
      .sort();

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'), { PROVINCE_CODE: 'all', TOPIC_PARTITIONS: '2' });
    await h.start('aggregator', 'api');
    await produce(VINH_LONG_UNIT, 3);
    await produce(HA_NOI_UNIT, 2);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('answers every province without ?provinceCode=', async () => {
    await eventually(async () => {
      const res = await live();
      expect(res.status).toBe(200);
      expect(res.body.province.monthToDate.receivedTotal).toBe(5);
    });
    const body = (await live()).body;
    expect(body).toMatchObject({ provinceCode: 'all', provinceName: 'Toàn quốc' });
    expect(codes(body)).toEqual(catalogueCodes('all'));
  });

  it.each([
    ['86', 'Tỉnh Vĩnh Long', VINH_LONG_UNIT, 3],
    ['01', 'Thành phố Hà Nội', HA_NOI_UNIT, 2],
  ])('answers province %s alone: its units, its name and its totals', async (provinceCode, provinceName, unit, received) => {
    await eventually(async () => {
      const res = await live(`?provinceCode=${provinceCode}`);
      expect(res.status).toBe(200);
      expect(res.body.province.monthToDate).toMatchObject({ receivedTotal: received, receivedOnline: received, onlineRate: 1 });
    });
    const body = (await live(`?provinceCode=${provinceCode}`)).body;
    expect(body).toMatchObject({ provinceCode, provinceName });
    expect(codes(body)).toEqual(catalogueCodes(provinceCode));
    expect(body.units.filter((u: { monthToDate: { receivedTotal: number } }) => u.monthToDate.receivedTotal > 0).map((u: { unitCode: string }) => u.unitCode)).toEqual([unit]);
  });

  it('answers 404 for a province code the catalogue does not have', async () => {
    const res = await live('?provinceCode=99');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('province "99" has no unit in the unit catalogue');
  });
});
