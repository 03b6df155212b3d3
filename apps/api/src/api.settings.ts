import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CommonSettings, type CrossCheckedSettings, IntSetting, SecretSetting, isLocalMode } from '@tthc/config';
import { API_KEYS_PATTERN, type ApiKeyEntry, LOCAL_API_KEYS_SPEC, apiKeyProblems, parseApiKeys } from './auth/api-keys';

export class ApiSettings extends CommonSettings implements CrossCheckedSettings {
  @IntSetting()
  @IsInt()
  @Min(0)
  @Max(65535)
  API_PORT = 3000;

  /**
   * API keys as `name:role[|role]:sha256hex,…` (roles ioc, operator, auditor, admin); the name is
   * recorded as the actor of acknowledgements, silences and exports. `node dist/apps/cli/src/main.js
   * keys new --name … --roles …` makes a key and its entry. Required outside local mode; unset in
   * local mode, the published local keys (README) apply, and only there.
   */
  @SecretSetting()
  // Empty counts as unset (compose passes `${API_KEYS:-}`), so the message says what is missing.
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @Matches(API_KEYS_PATTERN, {
    message: 'must be name:role[|role]:sha256hex,… (name: a-z 0-9 . _ -, roles ioc|operator|auditor|admin, the hex SHA-256 of the key)',
  })
  API_KEYS?: string;

  /** The longest range a metrics query may cover. */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(36600)
  MAX_RANGE_DAYS = 3660;

  /** The most points one series (or series export) may return; a longer one asks for a coarser granularity. */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(100_000)
  MAX_SERIES_POINTS = 1000;

  /** Requests one API key may make per window (rate limiting per key; 429 beyond it). */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  RATE_LIMIT_MAX = 600;

  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /**
   * Serve `GET /metrics` (Prometheus) on this port only, not on API_PORT: for a deployment whose
   * API port is reachable from outside and whose metrics should not be. Unset: on API_PORT.
   */
  @IsOptional()
  @IntSetting()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /** Wrong API keys one client address may present per window before it is refused (429) for AUTH_FAILURE_BLOCK_SECONDS. */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(100_000)
  AUTH_FAILURE_LIMIT = 10;

  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(86_400)
  AUTH_FAILURE_WINDOW_SECONDS = 300;

  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(86_400)
  AUTH_FAILURE_BLOCK_SECONDS = 900;

  /** Open SSE streams one API key may hold at once, across api instances (each stream is a connection and a poll subscriber). */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(10_000)
  MAX_STREAMS_PER_KEY = 20;

  /** The longest silence an operator may set, counted from now. */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(3660)
  MAX_SILENCE_DAYS = 30;

  /**
   * How long an acknowledgement waits for the alert-log lock before answering 503 with
   * Retry-After, instead of holding a connection while the notifier writes.
   */
  @IntSetting()
  @IsInt()
  @Min(50)
  @Max(60_000)
  ACK_LOCK_TIMEOUT_MS = 2_000;

  /**
   * Express `trust proxy`: which reverse proxies' X-Forwarded-For to believe for the client
   * address (the failed-authentication limit is per address). Empty: none, the socket address
   * counts. E.g. `loopback`, `10.0.0.0/8`, or a hop count such as `1`.
   */
  @IsString()
  TRUST_PROXY = '';

  /** Queries from IOC screens and auditors are short; one that runs longer is cut off (503). */
  override DB_STATEMENT_TIMEOUT_MS = 15_000;

  override DB_LOCK_TIMEOUT_MS = 5_000;

  override crossCheck(): string[] {
    if (!this.API_KEYS && !isLocalMode(this)) {
      return [...super.crossCheck(), 'API_KEYS: must be set outside local mode (TTHC_ENV is not local): name:role[|role]:sha256hex,… — make one with `keys new` (README)'];
    }
    return [...super.crossCheck(), ...apiKeyProblems(this.apiKeys(), isLocalMode(this))];
  }

  /** The keys in force: API_KEYS, or the published local keys in local mode only. */
  apiKeys(): ApiKeyEntry[] {
    return parseApiKeys(this.API_KEYS || LOCAL_API_KEYS_SPEC);
  }
}
