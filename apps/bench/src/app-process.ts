import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
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

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * One app of the pipeline as its own `node dist/apps/<name>/src/main.js` process, so its memory
 * and CPU are its own. Peak RSS is the kernel's VmHWM, read just before the process is stopped.
 */
export class AppProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  peakRssKb = 0;
  cpuSeconds = 0;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: Record<string, string | undefined>,
    private readonly logDir: string,
    private readonly nodeArgs: string[] = [],
    private readonly args: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const log = createWriteStream(join(this.logDir, `${this.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [...this.nodeArgs, this.script, ...this.args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
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

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops the process (SIGTERM, then SIGKILL after `graceMs`); `signal` SIGUSR2 ends a profiled run cleanly. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    if (!this.child || !this.running) return;
    this.sample();
    this.child.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
