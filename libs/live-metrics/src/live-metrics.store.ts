import type Redis from 'ioredis';
import type { UnitSnapshot } from '@tthc/contracts';

/** One province as read: its units' snapshots, and whether they are the whole province. */
export interface ProvinceSnapshot {
  /** Set by a full refresh (every unit written at once); gone when Redis is flushed or restarted empty. */
  complete: boolean;
  snapshots: UnitSnapshot[];
}

/**
 * The live snapshot in Redis: one hash per province, one field per unit, value = UnitSnapshot JSON.
 * The province code sits in a hash tag (`{86}`), so in a Redis Cluster each province's hash lives
 * on one slot: a province is read with one HGETALL, and provinces spread across the cluster.
 *
 * Beside each hash, a `complete` marker in the same slot, written in one MULTI with a full
 * refresh of the province and never otherwise: Redis holds derived state only, and after a
 * restart or a flush the units a partial update writes first would look like the whole province
 * (issue 11). Readers treat a province without the marker as being rebuilt.
 */
export class LiveMetricsStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(provinceCode: string): string {
    return `${this.prefix}:live:{${provinceCode}}:units`;
  }

  completeKey(provinceCode: string): string {
    return `${this.prefix}:live:{${provinceCode}}:complete`;
  }

  /**
   * `complete`: the snapshots are every unit of their provinces (a full refresh), so the provinces
   * are marked complete with them. `ifAbsent`: the snapshot is written only where its unit has
   * none (HSETNX): a rebuild of units another aggregator owns fills what Redis lost without
   * putting older figures over the owner's newer ones.
   */
  async write(snapshots: { provinceCode: string; snapshot: UnitSnapshot; ifAbsent?: boolean }[], options: { complete?: boolean } = {}): Promise<void> {
    const byProvince = new Map<string, { fields: Record<string, string>; absentOnly: [string, string][] }>();
    for (const { provinceCode, snapshot, ifAbsent } of snapshots) {
      let province = byProvince.get(provinceCode);
      if (!province) byProvince.set(provinceCode, (province = { fields: {}, absentOnly: [] }));
      const value = JSON.stringify(snapshot);
      if (ifAbsent) province.absentOnly.push([snapshot.unitCode, value]);
      else province.fields[snapshot.unitCode] = value;
    }
    await Promise.all(
      [...byProvince].map(async ([province, { fields, absentOnly }]) => {
        const tx = this.redis.multi();
        if (Object.keys(fields).length > 0) tx.hset(this.key(province), fields);
        for (const [unit, value] of absentOnly) tx.hsetnx(this.key(province), unit, value);
        if (options.complete) tx.set(this.completeKey(province), new Date().toISOString());
        const results = await tx.exec();
        const failed = results?.find(([error]) => error);
        if (!results || failed) throw failed?.[0] ?? new Error(`live snapshot of province ${province} not written (transaction aborted)`);
      }),
    );
  }

  async readProvince(provinceCode: string): Promise<ProvinceSnapshot> {
    const [[hashError, all], [markerError, marker]] = (await this.redis.multi().hgetall(this.key(provinceCode)).exists(this.completeKey(provinceCode)).exec()) ?? [
      [null, {}],
      [null, 0],
    ];
    const failure = hashError ?? markerError;
    if (failure) throw failure;
    return { complete: marker === 1, snapshots: Object.values(all as Record<string, string>).map((v) => JSON.parse(v) as UnitSnapshot) };
  }

  /** The provinces among `provinceCodes` whose snapshot is not (or no longer) complete. */
  async incomplete(provinceCodes: string[]): Promise<string[]> {
    const present = await Promise.all(provinceCodes.map((p) => this.redis.exists(this.completeKey(p))));
    return provinceCodes.filter((_, i) => present[i] === 0);
  }
}
