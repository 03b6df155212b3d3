import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { SETTINGS } from '@tthc/infrastructure';
import type { ApiSettings } from '../api.settings';
import { type Role, ROLES_KEY, parseApiKeys } from './roles';

export const PUBLIC_KEY = 'tthc:public';

/** `X-API-Key` → roles (PRODUCT.md): 401 without a valid key, 403 with the wrong role. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: [Buffer, Set<Role>][];

  constructor(
    private readonly reflector: Reflector,
    @Inject(SETTINGS) settings: ApiSettings,
  ) {
    this.keys = [...parseApiKeys(settings.API_KEYS)].map(([k, r]) => [Buffer.from(k), r]);
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; query?: Record<string, unknown> }>();
    // Browsers' EventSource cannot set headers, so the SSE stream may pass the key as ?apiKey=.
    const fromQuery = typeof request.query?.apiKey === 'string' ? request.query.apiKey : undefined;
    const presented = request.headers['x-api-key'] ?? fromQuery;
    if (!presented) throw new UnauthorizedException('X-API-Key header is required');
    const roles = this.rolesOf(presented);
    if (!roles) throw new UnauthorizedException('the API key is not valid');
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!allowed || roles.has('admin') || allowed.some((r) => roles.has(r))) return true;
    throw new ForbiddenException(`this endpoint requires one of the roles: ${allowed.join(', ')}`);
  }

  private rolesOf(presented: string): Set<Role> | undefined {
    const p = Buffer.from(presented);
    // Constant-time comparison: a key must not be guessable from response timing.
    return this.keys.find(([k]) => k.length === p.length && timingSafeEqual(k, p))?.[1];
  }
}
