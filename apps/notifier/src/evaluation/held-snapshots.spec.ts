import type { UnitSnapshot } from '@tthc/contracts';
import { HeldSnapshots } from './held-snapshots';

const snapshot = (unitCode: string, asOf: string): UnitSnapshot => ({ unitCode, asOf }) as UnitSnapshot;
const held = (h: HeldSnapshots) => [...h.all()].map(([unit, s]) => [unit, s.asOf]);

describe('HeldSnapshots: the latest snapshot of each unit, for the clock tick', () => {
  it('keeps each unit’s latest, in the order a partition delivered them', () => {
    const h = new HeldSnapshots();
    h.hold(0, [snapshot('A', 't1'), snapshot('B', 't1')]);
    h.hold(0, [snapshot('A', 't2')]);
    h.hold(3, [snapshot('C', 't1')]);
    expect(held(h)).toEqual([
      ['A', 't2'],
      ['B', 't1'],
      ['C', 't1'],
    ]);
  });

  it('forgets what came from a partition this member no longer holds, and keeps the rest', () => {
    const h = new HeldSnapshots();
    h.hold(0, [snapshot('A', 't1')]);
    h.hold(1, [snapshot('B', 't1')]);
    h.hold(2, [snapshot('C', 't1')]);
    h.keepPartitions([0, 2]);
    expect(held(h)).toEqual([
      ['A', 't1'],
      ['C', 't1'],
    ]);
    // A unit whose key moved to another partition (more partitions): the newer partition's snapshot is held.
    h.hold(5, [snapshot('A', 't2')]);
    h.keepPartitions([5]);
    expect(held(h)).toEqual([['A', 't2']]);
    h.keepPartitions([]);
    expect(held(h)).toEqual([]);
  });

  it('hands out a copy: holding more after a tick took its map does not change what that tick judges', () => {
    const h = new HeldSnapshots();
    h.hold(0, [snapshot('A', 't1')]);
    const taken = h.all();
    h.hold(0, [snapshot('A', 't2'), snapshot('B', 't1')]);
    expect([...taken].map(([u, s]) => [u, s.asOf])).toEqual([['A', 't1']]);
  });
});
