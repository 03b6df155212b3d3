import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { DIST_ROOT } from './bench-env';
import { log } from './bench-kit';

const KAFKA_SH = join(resolve(DIST_ROOT, '..'), 'deploy/local/kafka.sh');

/**
 * The broker the bench runs on, found as `npm test` finds it: KAFKA_BROKERS when set, otherwise
 * the project's own Kafka 3.9 from Maven Central (deploy/local/kafka.sh), reused if it already
 * runs and stopped afterwards only if this run started it.
 */
export function ensureBroker(): { brokers: string; stop(): void } {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, stop: () => undefined };
  const wasRunning = spawnSync('bash', [KAFKA_SH, 'status'], { stdio: 'ignore' }).status === 0;
  const out = execFileSync('bash', [KAFKA_SH, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const brokers = /KAFKA_BROKERS=(\S+)/.exec(out)?.[1];
  if (!brokers) throw new Error(`deploy/local/kafka.sh start did not report KAFKA_BROKERS:\n${out}`);
  log(wasRunning ? `broker: reusing the one at ${brokers}` : `broker: started at ${brokers}`);
  process.env.KAFKA_BROKERS = brokers;
  return {
    brokers,
    stop: () => {
      if (wasRunning) return;
      spawnSync('bash', [KAFKA_SH, 'stop'], { stdio: 'inherit' });
    },
  };
}
