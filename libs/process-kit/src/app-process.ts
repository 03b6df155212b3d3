import { type ChildProcess, spawn } from 'node:child_process';
import { type WriteStream, createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Peak and current resident memory of a process, from /proc/<pid>/status (Linux). */
export function readMemoryKb(pid: number): { hwmKb: number; rssKb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { hwmKb: kb('VmHWM'), rssKb: kb('VmRSS') };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) a process has used, from /proc/<pid>/stat; with `reapedChildren`,
 * also those of the children it has waited for (a postmaster's exited backends and parallel workers).
 */
export function readCpuSeconds(pid: number, reapedChildren = false): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime and cstime are fields 14–17 of stat, i.e. 11–14 after the command name.
    const own = Number(fields[11]) + Number(fields[12]);
    return (reapedChildren ? own + Number(fields[13]) + Number(fields[14]) : own) / 100;
  } catch {
    return undefined;
  }
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The last bytes of a process's output kept in memory, for an error message. */
const OUTPUT_TAIL = 64 * 1024;

/**
 * One app of the pipeline as its own `node dist/apps/<name>/src/main.js` process, as users run
 * it: its output appended to `<logDir>/<name>.log` (when a log directory is given) and its last
 * 64 KiB kept for error messages; its memory and CPU its own (peak RSS is the kernel's VmHWM,
 * read just before the process is stopped). One object is one start: a restart is a new object.
 */
export class AppProcess {
  private child?: ChildProcess;
  private exitPromise?: Promise<ProcessExit>;
  private exitState?: ProcessExit;
  private output = '';
  private logStream?: WriteStream;
  peakRssKb = 0;
  cpuSeconds = 0;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: Record<string, string | undefined>,
    private readonly logDir?: string,
    private readonly nodeArgs: string[] = [],
    private readonly args: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): this {
    if (this.logDir) this.logStream = createWriteStream(join(this.logDir, `${this.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [...this.nodeArgs, this.script, ...this.args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
      this.logStream?.write(chunk);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.child = child;
    this.exitPromise = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.exitState = { code, signal };
        this.logStream?.end();
        resolve(this.exitState);
      }),
    );
    return this;
  }

  get running(): boolean {
    return !!this.child && this.exitState === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How it ended, once it has. */
  get exit(): ProcessExit | undefined {
    return this.exitState;
  }

  /** Resolves when the process has exited. */
  exited(): Promise<ProcessExit> {
    if (!this.exitPromise) throw new Error(`${this.name} was never started`);
    return this.exitPromise;
  }

  /** Output so far (the tail), for error messages. */
  log(): string {
    return this.output;
  }

  /** Samples memory (the peak is kept by the kernel; the sample catches a process about to die). */
  sample(): { rssKb: number } | undefined {
    if (!this.child?.pid) return undefined;
    const m = readMemoryKb(this.child.pid);
    const cpu = readCpuSeconds(this.child.pid);
    if (m) this.peakRssKb = Math.max(this.peakRssKb, m.hwmKb);
    if (cpu !== undefined) this.cpuSeconds = cpu;
    return m ? { rssKb: m.rssKb } : undefined;
  }

  /** Sends a signal and returns at once (SIGKILL: the crash a fault test injects). */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child!.kill(signal);
  }

  /** Stops the process (`signal`, then SIGKILL after `graceMs`) and resolves with how it ended; SIGUSR2 ends a profiled run cleanly. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<ProcessExit | undefined> {
    if (!this.child) return undefined;
    if (this.running) {
      this.sample();
      this.child.kill(signal);
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
      await this.exitPromise;
      clearTimeout(timer);
    }
    return this.exitState;
  }

  /**
   * Polls `url` until it answers 200; throws with the process's output when it exits first or
   * the time runs out.
   */
  async waitHealthy(url: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited (${JSON.stringify(this.exitState)}) before it was healthy:\n${this.output}`);
      const status = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not healthy within ${timeoutMs} ms (last status ${status}):\n${this.output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
