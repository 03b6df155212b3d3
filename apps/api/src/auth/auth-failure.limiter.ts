import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { SETTINGS } from '@tthc/infrastructure';
import type { ApiSettings } from '../api.settings';
import type { RedisThrottlerStorage } from './redis-throttler.storage';

const THROTTLER = 'auth-failures';

/**
 * Wrong API keys per client address (issue 10: 300 guesses in a row used to get 300 × 401). Counted
 * in the throttler's Redis storage, so every api replica sees the same count; past
 * AUTH_FAILURE_LIMIT in AUTH_FAILURE_WINDOW_SECONDS the address is refused for
 * AUTH_FAILURE_BLOCK_SECONDS, whatever key it presents.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly prefix: string;

  constructor(
    @Inject(ThrottlerStorage) private readonly storage: RedisThrottlerStorage,
    @Inject(SETTINGS) private readonly settings: ApiSettings,
  ) {
    this.prefix = `${settings.REDIS_KEY_PREFIX}:auth-failures:`;
  }

  /** Seconds the address must still wait; 0 when it may try. */
  blockedFor(address: string): Promise<number> {
    return this.storage.blockedForSeconds(this.prefix + address, THROTTLER);
  }

  /** Counts one failure; returns the seconds to wait when this failure crossed the limit, else 0. */
  async recordFailure(address: string): Promise<number> {
    const s = this.settings;
    const r = await this.storage.increment(this.prefix + address, s.AUTH_FAILURE_WINDOW_SECONDS * 1000, s.AUTH_FAILURE_LIMIT, s.AUTH_FAILURE_BLOCK_SECONDS * 1000, THROTTLER);
    return r.isBlocked ? r.timeToBlockExpire : 0;
  }
}
