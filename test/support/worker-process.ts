import { join } from 'node:path';
import { AppProcess, type ProcessExit, freePort } from '@tthc/process-kit';

export type WorkerName = 'ingest' | 'aggregator' | 'notifier';

const ROOT = join(__dirname, '..', '..');

/**
 * A worker app as users run it: `node dist/apps/<name>/src/main.js` in its own process (the e2e
 * global setup builds dist first), with its health endpoint on a free port. For the tests that
 * are about the process itself: it must not exit on bad data, it must survive kill -9.
 */
export class WorkerProcess {
  private constructor(
    readonly name: WorkerName,
    private readonly process: AppProcess,
    readonly healthPort: number,
  ) {}

  static async start(name: WorkerName, env: Record<string, string | undefined>): Promise<WorkerProcess> {
    const healthPort = await freePort();
    const child = new AppProcess(name, join(ROOT, 'dist/apps', name, 'src/main.js'), {
      ...env,
      HEALTH_PORT: String(healthPort),
      HEALTH_HOST: '127.0.0.1',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    }).start();
    const worker = new WorkerProcess(name, child, healthPort);
    await worker.waitHealthy();
    return worker;
  }

  get pid(): number {
    return this.process.pid!;
  }

  get alive(): boolean {
    return this.process.running;
  }

  /** Output so far (the tail), for assertion messages. */
  log(): string {
    return this.process.log();
  }

  async health(): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`http://127.0.0.1:${this.healthPort}/health`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    await this.process.waitHealthy(`http://127.0.0.1:${this.healthPort}/health`, timeoutMs);
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs` if it has not gone). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<ProcessExit> {
    return (await this.process.stop(signal, graceMs))!;
  }
}
