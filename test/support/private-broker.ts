import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', 'deploy', 'local', 'kafka.sh');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A Kafka broker of the test's own (deploy/local/kafka.sh on spare ports and a temporary data
 * dir, the shared jar cache), for tests that must stop a broker: the shared one is never stopped.
 * Commands run asynchronously, so apps in this process keep running while the broker starts or
 * stops.
 */
export class PrivateBroker {
  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly brokers: string,
    private readonly runDir: string,
  ) {}

  static async start(): Promise<PrivateBroker> {
    const runDir = await mkdtemp(join(tmpdir(), 'tthc-private-kafka-'));
    const env = {
      ...process.env,
      TTHC_RUN_DIR: runDir,
      KAFKA_PORT: String(await freePort()),
      KAFKA_CONTROLLER_PORT: String(await freePort()),
      KAFKA_HEAP: '384m',
    };
    const broker = new PrivateBroker(env, `127.0.0.1:${env.KAFKA_PORT}`, runDir);
    await broker.up();
    return broker;
  }

  async up(): Promise<void> {
    const { stdout } = await run('bash', [SCRIPT, 'start'], { env: this.env, timeout: 180_000 });
    if (!stdout.includes(`KAFKA_BROKERS=${this.brokers}`)) throw new Error(`kafka.sh start did not report ${this.brokers}:\n${stdout}`);
  }

  async down(): Promise<void> {
    await run('bash', [SCRIPT, 'stop'], { env: this.env, timeout: 120_000 });
  }

  async destroy(): Promise<void> {
    await this.down().catch(() => undefined);
    await rm(this.runDir, { recursive: true, force: true });
  }
}
