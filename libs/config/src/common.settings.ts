import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { DEPLOYMENT_MODES, type DeploymentMode } from './deployment-mode';
import { SecretSetting } from './secret-setting';

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

  @IsString()
  @IsNotEmpty()
  KAFKA_CLIENT_ID = 'tthc-monitor';

  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tthc';

  /** PostgreSQL schema every query runs in (its search_path); unset: the database's default (`public`). */
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'must be a lower-case SQL identifier' })
  DATABASE_SCHEMA?: string;

  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Namespace of every Redis key, so several deployments (or test runs) can share a server. */
  @Matches(/^[a-z0-9:_-]+$/i)
  REDIS_KEY_PREFIX = 'tthc';

  @IsString()
  @IsNotEmpty()
  TOPIC_EVENTS = 'tthc.dossier.events';

  @IsString()
  @IsNotEmpty()
  TOPIC_VALIDATED = 'tthc.dossier.validated';

  @IsString()
  @IsNotEmpty()
  TOPIC_DLQ = 'tthc.dossier.dlq';

  @IsString()
  @IsNotEmpty()
  TOPIC_UNIT_METRICS = 'tthc.metrics.units';

  @IsString()
  @IsNotEmpty()
  TOPIC_ALERTS = 'tthc.alerts';

  /** The province this deployment serves (NSO code); `all` serves the whole country's catalogue. */
  @Matches(/^(\d{2}|all)$/, { message: 'must be a 2-digit province code or "all"' })
  PROVINCE_CODE = '86';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Partitions per topic when topics are provisioned; more partitions, more parallel consumers. */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(1024)
  TOPIC_PARTITIONS = 6;

  /**
   * Copies of each partition when provision creates a topic. Unset: 3 in production (a broker
   * can be lost, or restarted for maintenance, without losing or refusing an acknowledged
   * record), 1 in local mode (one broker). Read through `topicReplication()`.
   */
  @IsOptional()
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(16)
  TOPIC_REPLICATION_FACTOR?: number;

  /**
   * Topics' `min.insync.replicas`: how many copies must have a record before the broker
   * acknowledges a produce with acks=all (every producer here). Unset: 2 in production, so an
   * acknowledged record survives the loss of one broker, 1 in local mode. At most the
   * replication factor, or every produce would be refused.
   */
  @IsOptional()
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(16)
  TOPIC_MIN_INSYNC_REPLICAS?: number;

  /**
   * Worker apps (ingest, aggregator, notifier): serve `GET /health` on this port (0: any free
   * port). Unset: no health server. The api has its own `/api/v1/health` on API_PORT.
   */
  @IsOptional()
  @IntSetting()
  @IsInt()
  @Min(0)
  @Max(65535)
  HEALTH_PORT?: number;

  /** A partition with lag that has not advanced for this long makes `GET /health` answer 503 (a stuck consumer). */
  @IntSetting()
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  HEALTH_STALL_AFTER_MS = 120_000;

  /** This many failed attempts in a row at one partition's batch make `GET /health` answer 503, with the error. */
  @IntSetting()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  HEALTH_MAX_FAILED_ATTEMPTS = 5;

  /**
   * The most bytes one produce request carries: sends are split below it. The broker refuses a
   * partition's record batch above its `message.max.bytes` (1,048,588 by default), so keep this
   * under the smallest `max.message.bytes` of the topics written; a dead letter larger than this
   * is cut to fit, with its original size in a header (the whole of it stays in PostgreSQL).
   */
  @IntSetting()
  @IsInt()
  @Min(4_096)
  @Max(100_000_000)
  KAFKA_MAX_SEND_BYTES = 900_000;

  /**
   * Workers, on SIGTERM: the longest the batch in hand may take to finish before the process
   * exits anyway (its transaction is then rolled back, and the batch read again on restart).
   * Keep it below the platform's grace period (Kubernetes terminationGracePeriodSeconds: 45).
   */
  @IntSetting()
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 15_000;

  /**
   * At start-up, how long an app waits for PostgreSQL, and a worker for Kafka, each, retrying
   * with a log line per attempt ("waiting for Kafka at host:port (attempt n)"), before it exits 1.
   * The default matches the Kubernetes startupProbe's 120 s (deploy/k8s/base).
   */
  @IntSetting()
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  STARTUP_TIMEOUT_MS = 120_000;

  /** Where the worker health server listens. */
  @IsString()
  @IsNotEmpty()
  HEALTH_HOST = '0.0.0.0';

  /**
   * How often each consumer reads its partitions' log-end and committed offsets from the brokers
   * for `tthc_consumer_lag` (issue 13). One admin request pair per consumer per poll.
   */
  @IntSetting()
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  CONSUMER_LAG_POLL_MS = 15_000;

  /**
   * How often every consumer and producer refreshes its topic metadata (kafkajs' default is 5 min).
   * Partitions added to a live topic are consumed, and written to, only after the next refresh;
   * the fault runner's scale-out scenario waited the whole 5 min for them (issue 11).
   */
  @IntSetting()
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  KAFKA_METADATA_MAX_AGE_MS = 30_000;

  /**
   * Most bytes a worker fetches from one partition at a time: the size of its batches, hence of
   * its transactions. Larger batches merge more events into each day row and dossier write; the
   * bound keeps a batch's memory and its transaction's time in check (issue 12, BENCHMARKS.md).
   * The broker caps one record batch at its `message.max.bytes` regardless.
   */
  @IntSetting()
  @IsInt()
  @Min(64 * 1024)
  @Max(64 * 1024 * 1024)
  KAFKA_FETCH_MAX_BYTES_PER_PARTITION = 1024 * 1024;

  /**
   * Ingest and the aggregator: how often a worker commits its position to Kafka, one request for
   * all its partitions; 0 commits after every batch. Both may re-read what was applied past the
   * last commit (after a crash or a rebalance) without effect: ingest drops events the raw log
   * already has, the aggregator resumes from the offsets stored with its counters. Per batch, an
   * offset commit was ~100 broker requests a second at 5,000 events/s, ~1.4 ms of broker CPU each,
   * and a round trip every fetch waited for (issue 12, BENCHMARKS.md). The notifier commits after
   * every batch: a snapshot seen again after a newer one could flap an alert. Lag
   * (`tthc_consumer_lag`) lags by up to this much.
   */
  @IntSetting()
  @IsInt()
  @Min(0)
  @Max(60_000)
  KAFKA_COMMIT_INTERVAL_MS = 500;

  /** TLS to the brokers (kafkajs `ssl`); the system CAs, plus KAFKA_SSL_CA_FILE when set. */
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' || value === '' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  KAFKA_SSL = false;

  /** A PEM file with the CA that signed the brokers' certificates (a province's own CA). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  KAFKA_SSL_CA_FILE?: string;

  /** SASL to the brokers: one principal per app, so Kafka ACLs can be per service (deploy/README.md). */
  @IsOptional()
  @IsIn(['plain', 'scram-sha-256', 'scram-sha-512'])
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';

  @ValidateIf((s: CommonSettings) => s.KAFKA_SASL_MECHANISM !== undefined)
  @IsNotEmpty({ message: 'must be set when KAFKA_SASL_MECHANISM is' })
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((s: CommonSettings) => s.KAFKA_SASL_MECHANISM !== undefined)
  @IsNotEmpty({ message: 'must be set when KAFKA_SASL_MECHANISM is' })
  @SecretSetting()
  KAFKA_SASL_PASSWORD?: string;

  /**
   * PostgreSQL `statement_timeout` of this app's connections: no query runs longer, so a heavy
   * request cannot hold a connection (and the pool) indefinitely. Apps set their own default.
   */
  @IntSetting()
  @IsInt()
  @Min(100)
  @Max(86_400_000)
  DB_STATEMENT_TIMEOUT_MS = 60_000;

  /** PostgreSQL `lock_timeout`: the longest a statement waits for a lock (row, table or advisory). */
  @IntSetting()
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  DB_LOCK_TIMEOUT_MS = 10_000;

  /** The longest a connection attempt, or a wait for a free connection in the pool, may take. */
  @IntSetting()
  @IsInt()
  @Min(100)
  @Max(600_000)
  DB_CONNECT_TIMEOUT_MS = 5_000;

  /** Rules across settings, run by loadSettings once each field is valid; subclasses add theirs to these. */
  crossCheck(): string[] {
    return topicReplicationProblems(this);
  }
}

/** Replication of the topics provision creates: the settings, or the defaults for the mode. */
export function topicReplication(s: Pick<CommonSettings, 'TTHC_ENV' | 'TOPIC_REPLICATION_FACTOR' | 'TOPIC_MIN_INSYNC_REPLICAS'>): {
  replicationFactor: number;
  minInsyncReplicas: number;
} {
  const local = s.TTHC_ENV === 'local';
  return { replicationFactor: s.TOPIC_REPLICATION_FACTOR ?? (local ? 1 : 3), minInsyncReplicas: s.TOPIC_MIN_INSYNC_REPLICAS ?? (local ? 1 : 2) };
}

/** TOPIC_MIN_INSYNC_REPLICAS above the replication factor would make every acks=all produce fail. */
export function topicReplicationProblems(s: Parameters<typeof topicReplication>[0]): string[] {
  const { replicationFactor, minInsyncReplicas } = topicReplication(s);
  return minInsyncReplicas > replicationFactor ? [`TOPIC_MIN_INSYNC_REPLICAS: must be at most the replication factor (${minInsyncReplicas} > TOPIC_REPLICATION_FACTOR ${replicationFactor})`] : [];
}

/** Whether the settings allow what is only safe on a developer's machine. */
export const isLocalMode = (settings: { TTHC_ENV: DeploymentMode }): boolean => settings.TTHC_ENV === 'local';
