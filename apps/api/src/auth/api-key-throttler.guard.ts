import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { PUBLIC_KEY } from './api-key.guard';

/**
 * Rate limiting per API key (issue 4): every client of a key shares its budget, whatever its IP.
 * The tracker is a hash of the key, so the throttler's storage never holds a key in clear.
 * Runs after ApiKeyGuard, so only valid keys reach it; public routes (health, pages) are not limited.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()]) ?? false;
  }

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const presented = req.headers?.['x-api-key'] ?? req.query?.apiKey;
    if (typeof presented === 'string') return `key:${createHash('sha256').update(presented).digest('hex').slice(0, 32)}`;
    return `ip:${req.ip}`;
  }
}
