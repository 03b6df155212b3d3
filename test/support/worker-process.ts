import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export type WorkerName = 'ingest' | 'aggregator' | 'notifier';

const ROOT = join(__dirname, '..', '..');
/** The last bytes of a process's output kept for a failing test's message. */
const OUTPUT_TAIL = 64 * 1024;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A worker app as users run it: `node dist/apps/<name>/src/main.js` in its own process (the e2e
 * global setup builds dist first), with its health endpoint on a free port. For the tests that
 * are about the process itself: it must not exit on bad data, it must survive kill -9.
 */
export class WorkerProcess {
  private output = '';
  private exit?: { code: number | null; signal: NodeJS.Signals | null };
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: WorkerName,
    private readonly child: ChildProcess,
    readonly healthPort: number,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      }),
    );
  }

  static async start(name: WorkerName, env: Record<string, string | undefined>): Promise<WorkerProcess> {
    const healthPort = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps', name, 'src/main.js')], {
      env: { ...env, HEALTH_PORT: String(healthPort), HEALTH_HOST: '127.0.0.1', KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(name, child, healthPort);
    await worker.waitHealthy();
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Output so far (the tail), for assertion messages. */
  log(): string {
    return this.output;
  }

  async health(): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`http://127.0.0.1:${this.healthPort}/health`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.alive) throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before it was healthy:\n${this.output}`);
      const status = await this.health().then((h) => h.status, () => 0);
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not healthy within ${timeoutMs} ms (last status ${status}):\n${this.output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs` if it has not gone). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.alive) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exit!;
  }
}
