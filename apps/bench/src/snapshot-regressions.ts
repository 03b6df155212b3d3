import type { Kafka } from 'kafkajs';
import type { UnitSnapshot } from '@tthc/contracts';
import { withAdmin } from '@tthc/messaging';

const WINDOWS = ['today', 'monthToDate', 'rolling30d'] as const;
type WindowName = (typeof WINDOWS)[number];

/** One unit snapshot that carried fewer receipts in a window than the unit's snapshot before it, over the same days. */
export interface SnapshotRegression {
  unitCode: string;
  window: WindowName;
  from: number;
  to: number;
  /** When the earlier (larger) and the later (smaller) snapshots were computed. */
  beforeAsOf: string;
  asOf: string;
}

export interface SnapshotRegressions {
  snapshots: number;
  units: number;
  /** Per window, how many times a unit's receipts went back between two consecutive snapshots of the same days. */
  wentBack: Record<WindowName, number>;
  /** The first few, for the log. */
  first: SnapshotRegression[];
}

/**
 * Counts, over a unit-snapshot stream in offset order, how often a unit's next snapshot showed
 * fewer receipts in a window than its last one while the window covered the same days: what an
 * IOC screen shows as a figure going back. A load of new receipts only ever adds, so each one is
 * older figures published after newer ones (or, rarely, a receipt moved out of the window because
 * an earlier claim of the same fact won). Keeps one snapshot per unit.
 */
export class SnapshotRegressionCounter {
  private readonly last = new Map<string, UnitSnapshot>();
  private snapshots = 0;
  private readonly wentBack: Record<WindowName, number> = { today: 0, monthToDate: 0, rolling30d: 0 };
  private readonly first: SnapshotRegression[] = [];

  constructor(private readonly keepFirst = 5) {}

  add(snapshot: UnitSnapshot): void {
    this.snapshots++;
    const before = this.last.get(snapshot.unitCode);
    this.last.set(snapshot.unitCode, snapshot);
    if (!before) return;
    for (const window of WINDOWS) {
      const was = before[window];
      const now = snapshot[window];
      if (was.from !== now.from || was.to !== now.to || now.receivedTotal >= was.receivedTotal) continue;
      this.wentBack[window]++;
      if (this.first.length < this.keepFirst) {
        this.first.push({ unitCode: snapshot.unitCode, window, from: was.receivedTotal, to: now.receivedTotal, beforeAsOf: before.asOf, asOf: snapshot.asOf });
      }
    }
  }

  result(): SnapshotRegressions {
    return { snapshots: this.snapshots, units: this.last.size, wentBack: { ...this.wentBack }, first: [...this.first] };
  }
}

/** Reads `topic` from its first record to its end as it is now (within `timeoutMs`) and counts its regressions. */
export async function countSnapshotRegressions(kafka: Kafka, topic: string, groupId: string, timeoutMs = 120_000): Promise<SnapshotRegressions> {
  const ends = new Map((await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic))).map((o) => [o.partition, BigInt(o.high)]));
  const counter = new SnapshotRegressionCounter();
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  if (pending.size === 0) return counter.result();
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic}: ${pending.size} partitions not read to their end within ${timeoutMs} ms`)), timeoutMs);
      void consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              if (m.value) counter.add(JSON.parse(m.value.toString('utf8')) as UnitSnapshot);
              if (BigInt(m.offset) + 1n >= ends.get(batch.partition)!) pending.delete(batch.partition);
            }
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return counter.result();
}
