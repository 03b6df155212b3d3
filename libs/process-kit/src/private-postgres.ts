import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);

/** Where Debian's PostgreSQL 15 keeps initdb and pg_ctl (POSTGRES_BIN overrides it). */
const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL cluster of the caller's own: `initdb` into a temporary directory, trust
 * authentication, a spare port on 127.0.0.1, its socket in that directory. Stopping it (even
 * `-m immediate`, a crash: no shutdown checkpoint, recovery from the WAL on the next start)
 * disturbs nothing else on the machine. initdb refuses to run as root, so as root the cluster
 * belongs to the `postgres` user and every command runs as that user.
 *
 * `fsync` is off: a killed server loses nothing with it (the WAL is in the kernel's page cache,
 * which outlives the process), only a machine crash would, and the runs share a loaded machine.
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    if (!existsSync(join(BIN, 'initdb'))) throw new Error(`no initdb in ${BIN} (set POSTGRES_BIN)`);
    const dir = await mkdtemp(join(tmpdir(), 'tthc-private-pg-'));
    if (process.getuid?.() === 0) await chown(dir, ...(await postgresIds()));
    const pg = new PrivatePostgres(dir, await freePort());
    await pg.as('initdb', ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    await pg.up();
    return pg;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** A connection URL to `database` on this cluster. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async up(): Promise<void> {
    const options = [`-p ${this.port}`, `-k ${this.dir}`, '-c listen_addresses=127.0.0.1', '-c fsync=off', '-c full_page_writes=off', '-c max_connections=200', '-c shared_buffers=64MB'].join(' ');
    await this.as('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dir, 'postgres.log'), '-w', '-t', '180', 'start']);
  }

  /** `immediate` is a crash (every backend killed, recovery on restart); `fast` a clean stop. */
  async down(mode: 'immediate' | 'fast' = 'fast'): Promise<void> {
    await this.as('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '120', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.down('immediate').catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async as(tool: string, args: string[]): Promise<void> {
    const command = join(BIN, tool);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', command, ...args], { timeout: 300_000 });
    else await run(command, args, { timeout: 300_000 });
  }
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return [Number(stdout.trim()), Number(gid.trim())];
}
