import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS, SETTINGS } from '@tthc/infrastructure';
import type { ApiSettings } from '../api.settings';

/**
 * Takes a slot atomically: drops slots not refreshed within the stale time (an api replica that
 * died without closing its streams), then adds this one unless the key already holds `max`.
 */
const ACQUIRE = `
local key, now, stale, max, id = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - stale)
if redis.call('ZCARD', key) >= max then return 0 end
redis.call('ZADD', key, now, id)
redis.call('PEXPIRE', key, stale)
return 1`;

/**
 * Open SSE streams per API key, counted in Redis so the cap (MAX_STREAMS_PER_KEY) holds across api
 * replicas. Each stream refreshes its slot with its heartbeat; a slot not refreshed for `staleMs`
 * is dropped. Times here are wall-clock (Date.now), not the business clock: they measure liveness.
 */
@Injectable()
export class StreamSlots {
  private readonly max: number;
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SETTINGS) settings: ApiSettings,
  ) {
    this.max = settings.MAX_STREAMS_PER_KEY;
    this.prefix = `${settings.REDIS_KEY_PREFIX}:streams:`;
  }

  get limit(): number {
    return this.max;
  }

  async acquire(keyName: string, streamId: string, staleMs: number): Promise<boolean> {
    const got = await this.redis.eval(ACQUIRE, 1, this.key(keyName), Date.now(), staleMs, this.max, streamId);
    return got === 1;
  }

  async refresh(keyName: string, streamId: string, staleMs: number): Promise<void> {
    await this.redis.zadd(this.key(keyName), 'XX', Date.now(), streamId);
    await this.redis.pexpire(this.key(keyName), staleMs);
  }

  async release(keyName: string, streamId: string): Promise<void> {
    await this.redis.zrem(this.key(keyName), streamId);
  }

  private key(keyName: string): string {
    // Hash-tagged per key, so a Redis Cluster keeps each key's set on one node.
    return `${this.prefix}{${keyName}}`;
  }
}
