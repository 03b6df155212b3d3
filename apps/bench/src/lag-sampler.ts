import type { Admin } from 'kafkajs';

export interface LagSample {
  /** Seconds since the sampler started. */
  t: number;
  ingestLag: number;
  aggregatorLag: number;
  /** Resident memory (MB) of each app at that moment. */
  rssMb: Record<string, number>;
}

/** Consumer lag of a group on a topic: end offsets minus committed offsets, summed over partitions. */
export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<{ end: number; committed: number; lag: number }> {
  const [ends, groups] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const end = ends.reduce((s, o) => s + Number(o.high), 0);
  const committed = (groups[0]?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
  return { end, committed, lag: end - committed };
}

/** A one-line sparkline of a series (█ = the series' maximum). */
export function sparkline(values: number[]): string {
  const bars = '▁▂▃▄▅▆▇█';
  const max = Math.max(1, ...values);
  return values.map((v) => bars[Math.min(bars.length - 1, Math.round((v / max) * (bars.length - 1)))]).join('');
}
