import { AppMetrics } from './app-metrics';
import { registerUnitRateGauges } from './unit-rate.gauges';

describe('per-unit gauges of issue 15', () => {
  it('export the fully-online rate and the 766 total per unit, no sample where there is no figure', async () => {
    const metrics = new AppMetrics('api');
    registerUnitRateGauges(metrics, {
      read: async () => [
        { unitCode: '28756', provinceCode: '86', onlineRate: 0.9, onTimeRate: 0.8, progressRate766: 0.8, fullyOnlineRate: 0.9, score766: 46.8 },
        { unitCode: '28777', provinceCode: '86', onlineRate: 0.3, onTimeRate: null, progressRate766: 1, fullyOnlineRate: null, score766: null },
      ],
    });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/tthc_unit_fully_online_rate\{[^}]*unit_code="28756"[^}]*\} 0.9\n/);
    expect(text).toMatch(/tthc_unit_score_766\{[^}]*unit_code="28756"[^}]*\} 46.8\n/);
    expect(text).not.toMatch(/tthc_unit_(fully_online_rate|score_766)\{[^}]*unit_code="28777"/);
  });
});
