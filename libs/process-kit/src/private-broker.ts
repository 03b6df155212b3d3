import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { repoRoot } from './repo-root';
import { waitForExit } from './wait-for-exit';

const run = promisify(execFile);

/**
 * A Kafka broker of the caller's own (deploy/local/kafka.sh on spare ports and a temporary data
 * dir, the shared jar cache), for tests and fault runs that must stop or kill a broker: the
 * shared one is never touched. Commands run asynchronously, so apps in this process keep running
 * while the broker starts or stops. A restart keeps the ports and the data.
 */
export class PrivateBroker {
  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly brokers: string,
    readonly runDir: string,
  ) {}

  static async start(heap = '384m'): Promise<PrivateBroker> {
    const runDir = await mkdtemp(join(tmpdir(), 'tthc-private-kafka-'));
    const env = {
      ...process.env,
      TTHC_RUN_DIR: runDir,
      KAFKA_PORT: String(await freePort()),
      KAFKA_CONTROLLER_PORT: String(await freePort()),
      KAFKA_HEAP: heap,
      // A loaded machine starts a JVM slowly; the script's 90 s default has been too short there.
      KAFKA_START_TIMEOUT: '240',
    };
    const broker = new PrivateBroker(env, `127.0.0.1:${env.KAFKA_PORT}`, runDir);
    await broker.up();
    return broker;
  }

  private get script(): string {
    return join(repoRoot(), 'deploy', 'local', 'kafka.sh');
  }

  async up(): Promise<void> {
    const { stdout } = await run('bash', [this.script, 'start'], { env: this.env, timeout: 300_000 });
    if (!stdout.includes(`KAFKA_BROKERS=${this.brokers}`)) throw new Error(`kafka.sh start did not report ${this.brokers}:\n${stdout}`);
  }

  /** A clean stop (SIGTERM, the script's 30 s grace, then SIGKILL). */
  async down(): Promise<void> {
    await run('bash', [this.script, 'stop'], { env: this.env, timeout: 120_000 });
  }

  /** The broker's JVM pid, from the script's pid file; undefined when it is not running. */
  pid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.runDir, 'kafka.pid'), 'utf8').trim());
      return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** `kill -9` of the broker (no flush, no checkpoint), waiting until the process is gone; `up()` restarts it on the same data. */
  async kill9(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) throw new Error('the private broker is not running');
    process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 30_000);
  }

  async destroy(): Promise<void> {
    await this.down().catch(() => undefined);
    await rm(this.runDir, { recursive: true, force: true });
  }
}
