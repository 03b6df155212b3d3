import type Redis from 'ioredis';
import type { UnitSnapshot } from '@tthc/contracts';

/**
 * The live snapshot in Redis: one hash per province, one field per unit, value = UnitSnapshot JSON.
 * The province code sits in a hash tag (`{86}`), so in a Redis Cluster each province's hash lives
 * on one slot: a province is read with one HGETALL, and provinces spread across the cluster.
 */
export class LiveMetricsStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(provinceCode: string): string {
    return `${this.prefix}:live:{${provinceCode}}:units`;
  }

  async write(snapshots: { provinceCode: string; snapshot: UnitSnapshot }[]): Promise<void> {
    const byProvince = new Map<string, Record<string, string>>();
    for (const { provinceCode, snapshot } of snapshots) {
      const fields = byProvince.get(provinceCode) ?? {};
      fields[snapshot.unitCode] = JSON.stringify(snapshot);
      byProvince.set(provinceCode, fields);
    }
    await Promise.all([...byProvince].map(([province, fields]) => this.redis.hset(this.key(province), fields)));
  }

  async readProvince(provinceCode: string): Promise<UnitSnapshot[]> {
    const all = await this.redis.hgetall(this.key(provinceCode));
    return Object.values(all).map((v) => JSON.parse(v) as UnitSnapshot);
  }
}
