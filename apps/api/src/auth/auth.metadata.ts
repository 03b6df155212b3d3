import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from './roles';

export const PUBLIC_KEY = 'tthc:public';
export const QUERY_KEY_ALLOWED = 'tthc:query-key-allowed';

/** A request as the guard leaves it: the key that authenticated it, by name. */
export interface AuthenticatedRequest {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
  apiKey?: { name: string; roles: Set<Role> };
}

/** The key may come as `?apiKey=` (EventSource cannot send headers); nowhere else. */
export const AllowsQueryKey = () => SetMetadata(QUERY_KEY_ALLOWED, true);

/**
 * The name of the API key that made the request: what acknowledgements, silences and exports
 * record as their actor, so the record says which credential acted, not what a body claimed.
 */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const name = context.switchToHttp().getRequest<AuthenticatedRequest>().apiKey?.name;
  if (!name) throw new Error('Actor used on a route without an authenticated key');
  return name;
});
