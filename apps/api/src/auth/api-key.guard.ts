import { type CanActivate, type ExecutionContext, ForbiddenException, HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { SETTINGS } from '@tthc/infrastructure';
import type { ApiSettings } from '../api.settings';
import { type ApiKeyEntry, keyDigest } from './api-keys';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { type AuthenticatedRequest, PUBLIC_KEY, QUERY_KEY_ALLOWED } from './auth.metadata';
import { type Role, ROLES_KEY } from './roles';

/**
 * `X-API-Key` → the key's name and roles (PRODUCT.md): 401 without a valid key, 403 with the wrong
 * role, 429 with Retry-After once an address has presented too many wrong keys. `?apiKey=` is read
 * only where a route allows it (the SSE stream: EventSource cannot set headers); anywhere else a
 * key in the URL would end up in browser history and proxy logs.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: ApiKeyEntry[];

  constructor(
    private readonly reflector: Reflector,
    private readonly failures: AuthFailureLimiter,
    @Inject(SETTINGS) settings: ApiSettings,
  ) {
    this.keys = settings.apiKeys();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const queryAllowed = this.reflector.getAllAndOverride<boolean>(QUERY_KEY_ALLOWED, targets) ?? false;
    const fromQuery = queryAllowed && typeof request.query?.apiKey === 'string' ? request.query.apiKey : undefined;
    const header = request.headers['x-api-key'];
    const presented = (Array.isArray(header) ? header[0] : header) ?? fromQuery;
    if (!presented) {
      const hint = typeof request.query?.apiKey === 'string' ? '; ?apiKey= is accepted on /alerts/stream only' : '';
      throw new UnauthorizedException(`X-API-Key header is required${hint}`);
    }
    const address = request.ip ?? 'unknown';
    const blocked = await this.failures.blockedFor(address);
    if (blocked > 0) this.tooManyFailures(http.getResponse(), blocked);
    const key = this.find(presented);
    if (!key) {
      const wait = await this.failures.recordFailure(address);
      if (wait > 0) this.tooManyFailures(http.getResponse(), wait);
      throw new UnauthorizedException('the API key is not valid');
    }
    request.apiKey = { name: key.name, roles: key.roles };
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!allowed || key.roles.has('admin') || allowed.some((r) => key.roles.has(r))) return true;
    throw new ForbiddenException(`this endpoint requires one of the roles: ${allowed.join(', ')}`);
  }

  private tooManyFailures(response: { setHeader(name: string, value: string): void }, seconds: number): never {
    response.setHeader('Retry-After', String(seconds));
    throw new HttpException({ statusCode: 429, message: `too many invalid API keys from this address; retry in ${seconds} s` }, HttpStatus.TOO_MANY_REQUESTS);
  }

  /** Compares SHA-256 digests in constant time, and looks at every key, so timing tells nothing about which one nearly matched. */
  private find(presented: string): ApiKeyEntry | undefined {
    const digest = keyDigest(presented);
    let found: ApiKeyEntry | undefined;
    for (const k of this.keys) if (timingSafeEqual(k.digest, digest) && !found) found = k;
    return found;
  }
}
