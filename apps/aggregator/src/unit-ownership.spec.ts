import { partitionOfKey } from '@tthc/messaging';
import { UnitOwnership } from './unit-ownership';

describe('UnitOwnership', () => {
  const units = Array.from({ length: 125 }, (_, i) => String(28700 + i * 3));
  const inPartitions = (partitions: number[], count: number) => units.filter((u) => partitions.includes(partitionOfKey(u, count)));

  it('owns no unit before its first group join, then every unit until the partition count was read once', () => {
    const o = new UnitOwnership();
    expect(o.own(units)).toEqual([]);
    o.assigned([0, 1], undefined);
    expect(o.own(units)).toEqual(units);
  });

  it("owns the units of its partitions, in the catalogue's order; members of one group share the units without overlap", () => {
    const members = [[0, 3], [1, 4, 5], [2]].map((partitions) => {
      const o = new UnitOwnership();
      o.assigned(partitions, 6);
      return o.own(units);
    });
    expect(members[0]).toEqual(inPartitions([0, 3], 6));
    expect(members.map((m) => m.length).reduce((a, b) => a + b)).toBe(units.length);
    expect(new Set(members.flat())).toEqual(new Set(units));
    expect(members.every((m) => m.length > 0)).toBe(true);
  });

  it('owns no unit when it holds no partition', () => {
    const o = new UnitOwnership();
    o.assigned([], undefined);
    expect(o.own(units)).toEqual([]);
    o.assigned([0, 1], 6);
    o.assigned([], 6);
    expect(o.own(units)).toEqual([]);
  });

  it('uses the last count read while a later join has none yet, and a new count once read', () => {
    const o = new UnitOwnership();
    o.assigned([0], 6);
    o.assigned([], undefined);
    o.assigned([1, 2], undefined);
    expect(o.own(units)).toEqual(inPartitions([1, 2], 6));
    o.assigned([1, 2], 8); // partitions added to the topic
    expect(o.own(units)).toEqual(inPartitions([1, 2], 8));
    expect(inPartitions([1, 2], 8)).not.toEqual(inPartitions([1, 2], 6));
  });
});
