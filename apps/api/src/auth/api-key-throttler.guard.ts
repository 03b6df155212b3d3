import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { type AuthenticatedRequest, PUBLIC_KEY } from './auth.metadata';

/**
 * Rate limiting per API key (issue 4): every client of a key shares its budget, whatever its IP
 * and whatever the route (the storage key is set in ApiModule), in Redis so it holds across api
 * replicas (issue 10). Runs after
 * ApiKeyGuard, so only valid keys reach it; public routes (health, pages) are not limited.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()]) ?? false;
  }

  protected override async getTracker(req: AuthenticatedRequest): Promise<string> {
    return `key:${req.apiKey?.name ?? `ip:${req.ip}`}`;
  }
}
