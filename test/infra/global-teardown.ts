import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Stops only what the global setup started. */
export default async function globalTeardown(): Promise<void> {
  const started = globalThis.__TTHC_INFRA__;
  if (!started) return;
  for (const c of started.containers) await c.stop();
  if (started.kafkaScript) {
    execFileSync('bash', [join(__dirname, '..', '..', 'deploy/local/kafka.sh'), 'stop'], { stdio: 'inherit' });
  }
}
