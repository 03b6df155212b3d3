import { compareCounters } from './kstreams-baseline.stage';

describe("compareCounters (the Kafka Streams baseline's output against the ground truth)", () => {
  const truth = {
    from: '2025-07-01',
    to: '2025-07-02',
    lines: 0,
    transport: {},
    expected: { rawEvents: 0, dlq: 0, validated: 0 },
    totals: {},
    days: [
      { unitCode: '28756', day: '2025-07-01', receivedTotal: 3, receivedOnline: 2, receivedDirect: 1, resolvedTotal: 1, resolvedOnTime: 1, resolvedLate: 0 },
      { unitCode: '28756', day: '2025-07-02', receivedTotal: 1, receivedOnline: 0, receivedDirect: 1, resolvedTotal: 0, resolvedOnTime: 0, resolvedLate: 0 },
    ],
  };

  it('is exact when every unit-day of the period agrees, and ignores days outside it', () => {
    const tsv = '28756|2025-07-01\t3,2,1,1,1,0\n28756|2025-07-02\t1,0,1,0,0,0\n28756|2025-07-03\t9,9,0,0,0,0\n';
    expect(compareCounters(tsv, truth)).toMatchObject({ exact: true, rowsCompared: 2, differences: 0 });
  });

  it('names each counter that differs, and a unit-day one side lacks', () => {
    const tsv = '28756|2025-07-01\t3,1,2,1,1,0\n28777|2025-07-01\t1,1,0,0,0,0\n';
    const c = compareCounters(tsv, truth);
    expect(c.exact).toBe(false);
    // online and direct on the 1st, receivedTotal and receivedDirect of the 2nd (missing), and 28777 (not in truth).
    expect(c.differences).toBe(6);
    expect(c.firstDifferences).toContain('28756|2025-07-01 receivedOnline: expected 2, got 1');
  });
});
