import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';

/**
 * The maintained Redis storage for @nestjs/throttler (issue 10: limits hold across api replicas),
 * plus one read it lacks: whether a key is blocked now, without counting a hit. The failed-
 * authentication limit needs it to refuse a blocked address before looking at its key — otherwise
 * a 200 among the 429s would still tell a guesser it found a key. The block key's name is the
 * library's (`{key:throttler}:blocked`, see its increment script); the auth-abuse e2e test fails
 * if that ever changes.
 */
export class RedisThrottlerStorage extends ThrottlerStorageRedisService {
  /** Seconds until `key` is unblocked for `throttlerName`; 0 when it is not blocked. */
  async blockedForSeconds(key: string, throttlerName: string): Promise<number> {
    const ms = await this.redis.pttl(`{${key}:${throttlerName}}:blocked`);
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }
}
