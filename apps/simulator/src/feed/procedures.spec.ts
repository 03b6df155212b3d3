import { loadSampleProcedures } from '@tthc/catalogue';
import { COMMUNE_PROCEDURES, PROVINCIAL_PROCEDURES } from './procedures';

describe('the simulator draws its procedures from the catalogue', () => {
  const catalogue = new Map(loadSampleProcedures().map((p) => [p.code, p]));

  it.each([
    ['commune centres', COMMUNE_PROCEDURES, ['COMMUNE', 'SHARED']],
    ['the provincial centre', PROVINCIAL_PROCEDURES, ['PROVINCIAL', 'SHARED']],
  ] as const)('%s receive catalogue procedures of their level, with the catalogue deadline', (_where, list, levels) => {
    expect(list.length).toBeGreaterThan(5);
    for (const spec of list) {
      const p = catalogue.get(spec.code);
      expect(p).toBeDefined();
      expect(levels).toContain(p!.level);
      expect(spec.workingDays).toBe(p!.deadlineWorkingDays);
      expect(spec.weight).toBeGreaterThan(0);
    }
  });
});
