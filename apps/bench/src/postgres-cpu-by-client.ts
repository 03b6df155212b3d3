import { Client } from 'pg';
import { readCpuSeconds } from './app-process';
import { tenths } from './bench-kit';

/**
 * PostgreSQL's CPU by who it worked for: each backend by its `application_name` (the apps name
 * theirs `tthc-<app>`), each background process by its type (WAL writer, checkpointer…), sampled
 * every second from `pg_stat_activity` and `/proc` (the server on this machine, as
 * `serviceCpuSeconds` assumes). A backend's last second before it exits is lost; the pools keep
 * theirs open through a run. Nothing is counted when the server's processes cannot be read.
 */
export class PostgresCpuByClient {
  private readonly atStart = new Map<number, number>();
  private readonly latest = new Map<number, { name: string; cpuSeconds: number }>();
  private timer?: NodeJS.Timeout;
  private stopped?: Promise<Record<string, number>>;

  private constructor(private readonly client: Client) {}

  static async start(databaseUrl: string): Promise<PostgresCpuByClient> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'tthc-bench-cpu-sampler', statement_timeout: 5_000, connectionTimeoutMillis: 10_000 });
    await client.connect();
    const sampler = new PostgresCpuByClient(client);
    await sampler.sample(true);
    sampler.timer = setInterval(() => void sampler.sample(false).catch(() => undefined), 1_000);
    return sampler;
  }

  private async sample(initial: boolean): Promise<void> {
    const { rows } = await this.client.query<{ pid: number; name: string }>(`SELECT pid, coalesce(nullif(application_name, ''), backend_type) AS name FROM pg_stat_activity`);
    for (const { pid, name } of rows) {
      const cpuSeconds = readCpuSeconds(pid);
      if (cpuSeconds === undefined) continue;
      if (initial) this.atStart.set(pid, cpuSeconds);
      this.latest.set(pid, { name, cpuSeconds });
    }
  }

  /** CPU seconds since `start` by client, largest first; a backend started since counts whole. Once: a later call returns the same. */
  stop(): Promise<Record<string, number>> {
    return (this.stopped ??= this.finish());
  }

  private async finish(): Promise<Record<string, number>> {
    clearInterval(this.timer);
    await this.sample(false).catch(() => undefined);
    await this.client.end().catch(() => undefined);
    const byName = new Map<string, number>();
    for (const [pid, { name, cpuSeconds }] of this.latest) byName.set(name, (byName.get(name) ?? 0) + cpuSeconds - (this.atStart.get(pid) ?? 0));
    return Object.fromEntries(
      [...byName]
        .map(([name, seconds]): [string, number] => [name, tenths(seconds)])
        .filter(([, seconds]) => seconds > 0)
        .sort((a, b) => b[1] - a[1]),
    );
  }
}
