import { execFileSync } from 'node:child_process';
import { readCpuSeconds } from './app-process';

describe('readCpuSeconds (Linux /proc)', () => {
  it("counts a reaped child's CPU only when asked: a postmaster's exited backends are PostgreSQL's too", () => {
    const own0 = readCpuSeconds(process.pid)!;
    const all0 = readCpuSeconds(process.pid, true)!;
    // A child that spins ~400 ms of CPU, then exits and is waited for by this process.
    execFileSync(process.execPath, ['-e', 'const t = process.cpuUsage(); while ((process.cpuUsage(t).user + process.cpuUsage(t).system) < 400_000);']);
    const own = readCpuSeconds(process.pid)! - own0;
    const all = readCpuSeconds(process.pid, true)! - all0;
    expect(all - own).toBeGreaterThanOrEqual(0.3);
    expect(own).toBeLessThan(0.3);
  });

  it('is undefined for a process that does not exist', () => {
    expect(readCpuSeconds(2 ** 22 + 12_345)).toBeUndefined();
  });
});
