import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { CommonSettings, IntSetting } from '@tthc/config';

export class ApiSettings extends CommonSettings {
  @IntSetting() @IsInt() @Min(0) @Max(65535)
  API_PORT = 3000;

  /**
   * API keys and their roles: `key=role|role,key2=role`. Roles: ioc, operator, auditor, admin.
   * The defaults are for a local machine only (README); any real deployment sets its own.
   */
  @Matches(/^[A-Za-z0-9._~-]{8,}=(ioc|operator|auditor|admin)(\|(ioc|operator|auditor|admin))*(,[A-Za-z0-9._~-]{8,}=(ioc|operator|auditor|admin)(\|(ioc|operator|auditor|admin))*)*$/, {
    message: 'must be key=role[|role],… with keys of 8+ URL-safe characters and roles ioc|operator|auditor|admin',
  })
  API_KEYS = 'local-ioc-key=ioc,local-operator-key=operator,local-auditor-key=auditor,local-admin-key=admin';

  /** The longest range a metrics query may cover. */
  @IntSetting() @IsInt() @Min(1) @Max(36600)
  MAX_RANGE_DAYS = 3660;

  /** Requests one API key may make per window (rate limiting per key; 429 beyond it). */
  @IntSetting() @IsInt() @Min(1) @Max(10_000_000)
  RATE_LIMIT_MAX = 600;

  @IntSetting() @IsInt() @Min(1) @Max(86_400)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /**
   * Serve `GET /metrics` (Prometheus) on this port only, not on API_PORT: for a deployment whose
   * API port is reachable from outside and whose metrics should not be. Unset: on API_PORT.
   */
  @IsOptional() @IntSetting() @IsInt() @Min(0) @Max(65535)
  METRICS_PORT?: number;
}
