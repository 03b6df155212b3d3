import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
// Relative import: Jest's global setup runs outside moduleNameMapper.
import { ensureDatabase } from '../../libs/persistence/src/ensure-database';

/**
 * Where the e2e tests find Kafka, PostgreSQL and Redis — always real services:
 *  1. KAFKA_BROKERS / DATABASE_URL / REDIS_URL when set (CI exports them after `infra.sh up`);
 *  2. otherwise, with a Docker engine, testcontainers;
 *  3. otherwise the project's own script starts the real Apache Kafka broker from Maven Central
 *     artifacts, and the local PostgreSQL and Redis are used.
 * What this starts, the teardown stops.
 */
interface Started {
  kafkaScript?: boolean;
  containers: { stop(): Promise<unknown> }[];
}
declare global {
  var __TTHC_INFRA__: Started | undefined;
}

const ROOT = join(__dirname, '..', '..');

function dockerAvailable(): boolean {
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

async function withTestcontainers(started: Started): Promise<void> {
  // Optional dependencies, loaded only where Docker exists.
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { RedisContainer } = await import('@testcontainers/redis');
  if (!process.env.KAFKA_BROKERS) {
    const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
    started.containers.push(kafka);
    process.env.KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
  }
  if (!process.env.DATABASE_URL) {
    const pg = await new PostgreSqlContainer('postgres:16-alpine').withDatabase('tthc_test').start();
    started.containers.push(pg);
    process.env.DATABASE_URL = pg.getConnectionUri();
  }
  if (!process.env.REDIS_URL) {
    const redis = await new RedisContainer('redis:7-alpine').start();
    started.containers.push(redis);
    process.env.REDIS_URL = redis.getConnectionUrl();
  }
}

function withLocalServices(started: Started): void {
  if (!process.env.KAFKA_BROKERS) {
    const wasRunning = spawnSync('bash', [join(ROOT, 'deploy/local/kafka.sh'), 'status'], { stdio: 'ignore' }).status === 0;
    const out = execFileSync('bash', [join(ROOT, 'deploy/local/kafka.sh'), 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const brokers = /KAFKA_BROKERS=(\S+)/.exec(out)?.[1];
    if (!brokers) throw new Error(`deploy/local/kafka.sh start did not report KAFKA_BROKERS:\n${out}`);
    process.env.KAFKA_BROKERS = brokers;
    started.kafkaScript = !wasRunning;
  }
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/tthc_test';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
}

export default async function globalSetup(): Promise<void> {
  const started: Started = { containers: [] };
  globalThis.__TTHC_INFRA__ = started;
  const missing = !process.env.KAFKA_BROKERS || !process.env.DATABASE_URL || !process.env.REDIS_URL;
  if (missing && dockerAvailable()) await withTestcontainers(started);
  else withLocalServices(started);
  await ensureDatabase(process.env.DATABASE_URL!);
  // Some suites run the apps as users do, `node dist/apps/*/src/main.js`: build them from this source.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  // The browser test drives Debian's Chromium; a fresh machine does not have it yet.
  execFileSync('bash', [join(ROOT, 'deploy/local/chromium.sh'), 'ensure'], { stdio: ['ignore', 'inherit', 'inherit'] });
  // The metrics test scrapes the apps with Debian's Prometheus.
  execFileSync('bash', [join(ROOT, 'deploy/local/prometheus.sh'), 'ensure'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
