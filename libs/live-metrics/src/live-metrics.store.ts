import type Redis from 'ioredis';
import { SNAPSHOT_VERSION_HOLDS_MS, type UnitSnapshot } from '@tthc/contracts';

/** One province as read: its units' snapshots, and whether they are the whole province. */
export interface ProvinceSnapshot {
  /** Set by a full refresh (every unit written at once); gone when Redis is flushed or restarted empty. */
  complete: boolean;
  snapshots: UnitSnapshot[];
}

/**
 * KEYS: the snapshots hash, the versions hash, the complete marker. ARGV: complete (1/0), the
 * marker's value, staleAfterMs, then per unit: code, version, asOf (epoch ms), mode, snapshot JSON.
 * Atomic, so two writers cannot both pass the compare; returns the refused units.
 */
const WRITE_UNLESS_NEWER = `
local refused = {}
local staleAfter = tonumber(ARGV[3])
for i = 4, #ARGV, 5 do
  local unit, version, asOf, mode, value = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), ARGV[i + 3], ARGV[i + 4]
  local write
  if mode == 'absent' then
    write = redis.call('HEXISTS', KEYS[1], unit) == 0
  else
    local stored = redis.call('HGET', KEYS[2], unit)
    if stored then
      local storedVersion, storedAsOf = string.match(stored, '^(%d+):(%d+)$')
      write = storedVersion == nil or version >= tonumber(storedVersion) or asOf - tonumber(storedAsOf) > staleAfter
    else
      write = true
    end
  end
  if write then
    redis.call('HSET', KEYS[1], unit, value)
    redis.call('HSET', KEYS[2], unit, string.format('%d:%d', version, asOf))
  else
    refused[#refused + 1] = unit
  end
end
if ARGV[1] == '1' then redis.call('SET', KEYS[3], ARGV[2]) end
return refused
`;

/**
 * The live snapshot in Redis: one hash per province, one field per unit, value = UnitSnapshot JSON.
 * The province code sits in a hash tag (`{86}`), so in a Redis Cluster each province's hash lives
 * on one slot: a province is read with one HGETALL, and provinces spread across the cluster.
 *
 * Beside each hash, in the same slot: a `complete` marker, written in the same script as a full
 * refresh of the province and never otherwise: Redis holds derived state only, and after a
 * restart or a flush the units a partial update writes first would look like the whole province
 * (issue 11); readers treat a province without the marker as being rebuilt. And each unit's stored
 * version, so that a writer that read before a newer writer cannot put its figures over the newer.
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

  /** Beside each province's hash, each unit's stored version and `asOf` (`version:epochMs`), for the compare in `write`. */
  versionsKey(provinceCode: string): string {
    return `${this.prefix}:live:{${provinceCode}}:versions`;
  }

  /**
   * Writes each snapshot unless Redis holds a newer one of its unit (`isOlderSnapshot`: a higher
   * version, written no more than `staleAfterMs` (SNAPSHOT_VERSION_HOLDS_MS) before the offered
   * one's `asOf`), compared and written in one script per province; returns the units refused,
   * which the caller does not publish.
   *
   * `complete`: the snapshots are every unit of their provinces (a full refresh), so the provinces
   * are marked complete with them. `ifAbsent`: the snapshot is written only where its unit has
   * none: a rebuild of units another aggregator owns fills what Redis lost without putting older
   * figures over the owner's newer ones.
   */
  async write(snapshots: { provinceCode: string; snapshot: UnitSnapshot; ifAbsent?: boolean }[], options: { complete?: boolean; staleAfterMs?: number } = {}): Promise<{ refused: string[] }> {
    const byProvince = new Map<string, (string | number)[]>();
    for (const { provinceCode, snapshot, ifAbsent } of snapshots) {
      let args = byProvince.get(provinceCode);
      if (!args) byProvince.set(provinceCode, (args = []));
      args.push(snapshot.unitCode, snapshot.version ?? 0, Date.parse(snapshot.asOf), ifAbsent ? 'absent' : 'newer', JSON.stringify(snapshot));
    }
    const refused = await Promise.all(
      [...byProvince].map(
        ([province, args]) =>
          this.redis.eval(
            WRITE_UNLESS_NEWER,
            3,
            this.key(province),
            this.versionsKey(province),
            this.completeKey(province),
            options.complete ? 1 : 0,
            new Date().toISOString(),
            options.staleAfterMs ?? SNAPSHOT_VERSION_HOLDS_MS,
            ...args,
          ) as Promise<string[]>,
      ),
    );
    return { refused: refused.flat() };
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
