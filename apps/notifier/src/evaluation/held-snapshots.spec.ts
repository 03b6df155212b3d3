import { SNAPSHOT_VERSION_HOLDS_MS, type UnitSnapshot } from '@tthc/contracts';
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

  it('neither holds nor hands back a snapshot older than the one held (a lower version), whatever the order of arrival', () => {
    const at = (seconds: number) => new Date(Date.parse('2025-07-31T05:00:00Z') + seconds * 1000).toISOString();
    const versioned = (unitCode: string, seconds: number, version?: number) => ({ ...snapshot(unitCode, at(seconds)), version });
    const h = new HeldSnapshots();
    const asOfs = (held: UnitSnapshot[]) => held.map((s) => `${s.unitCode}@${s.asOf.slice(14, 19)}`);
    expect(asOfs(h.hold(0, [versioned('A', 10, 7), versioned('B', 10)]))).toEqual(['A@00:10', 'B@00:10']);
    // The member that had not yet seen the join read before the new owner and published after it: refused.
    expect(asOfs(h.hold(0, [versioned('A', 9, 6), versioned('B', 11, 1)]))).toEqual(['B@00:11']);
    // The same version again: the later one (its overdue count is the newer) is held.
    expect(asOfs(h.hold(0, [versioned('A', 12, 7)]))).toEqual(['A@00:12']);
    // A lower version a minute on: the held one is nobody's (PostgreSQL restored), it does not hold the unit.
    expect(asOfs(h.hold(0, [versioned('A', 12 + SNAPSHOT_VERSION_HOLDS_MS / 1000, 3)]))).toEqual([]);
    expect(asOfs(h.hold(0, [versioned('A', 13 + SNAPSHOT_VERSION_HOLDS_MS / 1000, 3)]))).toEqual(['A@01:13']);
    expect(held(h)).toEqual([
      ['A', at(73)],
      ['B', at(11)],
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
