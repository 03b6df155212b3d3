import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DEPLOYMENT_MODES, type DeploymentMode } from './deployment-mode';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
export const IntSetting = () => Transform(toInt);

/** Settings every app shares: where Kafka, PostgreSQL and Redis are, and the topic names. */
export class CommonSettings {
  /**
   * `local` (a developer's machine, `npm run up`, the tests) or `production` (anything else, the
   * default). The one switch that decides whether the published local API keys and plain-HTTP
   * webhooks are allowed; nothing else reads NODE_ENV or guesses from the environment.
   */
  @IsIn(DEPLOYMENT_MODES, { message: `must be one of: ${DEPLOYMENT_MODES.join(', ')}` })
  TTHC_ENV: DeploymentMode = 'production';

  @Matches(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, { message: 'must be host:port[,host:port…]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  @IsString() @IsNotEmpty()
  KAFKA_CLIENT_ID = 'tthc-monitor';

  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tthc';

  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Namespace of every Redis key, so several deployments (or test runs) can share a server. */
  @Matches(/^[a-z0-9:_-]+$/i)
  REDIS_KEY_PREFIX = 'tthc';

  @IsString() @IsNotEmpty()
  TOPIC_EVENTS = 'tthc.dossier.events';

  @IsString() @IsNotEmpty()
  TOPIC_VALIDATED = 'tthc.dossier.validated';

  @IsString() @IsNotEmpty()
  TOPIC_DLQ = 'tthc.dossier.dlq';

  @IsString() @IsNotEmpty()
  TOPIC_UNIT_METRICS = 'tthc.metrics.units';

  @IsString() @IsNotEmpty()
  TOPIC_ALERTS = 'tthc.alerts';

  /** The province this deployment serves (NSO code); `all` serves the whole country's catalogue. */
  @Matches(/^(\d{2}|all)$/, { message: 'must be a 2-digit province code or "all"' })
  PROVINCE_CODE = '86';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Partitions per topic when topics are provisioned; more partitions, more parallel consumers. */
  @IntSetting() @IsInt() @Min(1) @Max(1024)
  TOPIC_PARTITIONS = 6;

  /**
   * Worker apps (ingest, aggregator, notifier): serve `GET /health` on this port (0: any free
   * port). Unset: no health server. The api has its own `/api/v1/health` on API_PORT.
   */
  @IsOptional() @IntSetting() @IsInt() @Min(0) @Max(65535)
  HEALTH_PORT?: number;

  /** Where the worker health server listens. */
  @IsString() @IsNotEmpty()
  HEALTH_HOST = '0.0.0.0';

  /**
   * PostgreSQL `statement_timeout` of this app's connections: no query runs longer, so a heavy
   * request cannot hold a connection (and the pool) indefinitely. Apps set their own default.
   */
  @IntSetting() @IsInt() @Min(100) @Max(86_400_000)
  DB_STATEMENT_TIMEOUT_MS = 60_000;

  /** PostgreSQL `lock_timeout`: the longest a statement waits for a lock (row, table or advisory). */
  @IntSetting() @IsInt() @Min(50) @Max(3_600_000)
  DB_LOCK_TIMEOUT_MS = 10_000;

  /** The longest a connection attempt, or a wait for a free connection in the pool, may take. */
  @IntSetting() @IsInt() @Min(100) @Max(600_000)
  DB_CONNECT_TIMEOUT_MS = 5_000;
}

/** Whether the settings allow what is only safe on a developer's machine. */
export const isLocalMode = (settings: { TTHC_ENV: DeploymentMode }): boolean => settings.TTHC_ENV === 'local';
