import { Client } from 'pg';
import { log } from './bench-kit';

/** A table's activity counters (pg_stat_user_tables) and its autovacuum reloptions. */
export interface TableActivity {
  table: string;
  /** pg_class.reltuples: -1 before the first VACUUM or ANALYZE (PostgreSQL 14+). */
  reltuples: number;
  deadTuples: number;
  insertsSinceVacuum: number;
  modsSinceAnalyze: number;
  /** pg_class.reloptions as name → value, e.g. autovacuum_vacuum_scale_factor → 0.02 (migration 1765000000000). */
  options: Record<string, string>;
}

/** The server's autovacuum thresholds (postgresql.conf), which a table's reloptions override. */
export interface AutovacuumThresholds {
  autovacuum_vacuum_threshold: number;
  autovacuum_vacuum_scale_factor: number;
  autovacuum_vacuum_insert_threshold: number;
  autovacuum_vacuum_insert_scale_factor: number;
  autovacuum_analyze_threshold: number;
  autovacuum_analyze_scale_factor: number;
}

export const THRESHOLD_SETTINGS = [
  'autovacuum_vacuum_threshold',
  'autovacuum_vacuum_scale_factor',
  'autovacuum_vacuum_insert_threshold',
  'autovacuum_vacuum_insert_scale_factor',
  'autovacuum_analyze_threshold',
  'autovacuum_analyze_scale_factor',
] as const;

/**
 * Whether autovacuum would vacuum and/or analyze the table now: PostgreSQL 15's rule
 * (`relation_needs_vacanalyze`, autovacuum.c): dead tuples over threshold + scale × reltuples,
 * or inserts since the last vacuum over their own (an insert threshold of -1 turns that off),
 * and changes since the last analyze over theirs; a table with `autovacuum_enabled=false` never.
 */
export function autovacuumDue(t: TableActivity, server: AutovacuumThresholds): { vacuum: boolean; analyze: boolean } {
  if (t.options.autovacuum_enabled === 'false') return { vacuum: false, analyze: false };
  const setting = (name: keyof AutovacuumThresholds): number => (t.options[name] === undefined ? server[name] : Number(t.options[name]));
  const tuples = Math.max(0, t.reltuples);
  const insertThreshold = setting('autovacuum_vacuum_insert_threshold');
  const vacuum =
    t.deadTuples > setting('autovacuum_vacuum_threshold') + setting('autovacuum_vacuum_scale_factor') * tuples ||
    (insertThreshold >= 0 && t.insertsSinceVacuum > insertThreshold + setting('autovacuum_vacuum_insert_scale_factor') * tuples);
  const analyze = t.modsSinceAnalyze > setting('autovacuum_analyze_threshold') + setting('autovacuum_analyze_scale_factor') * tuples;
  return { vacuum, analyze };
}

export interface StandInWork {
  /** Seconds since the stand-in started. */
  atSeconds: number;
  table: string;
  action: 'VACUUM (ANALYZE)' | 'VACUUM' | 'ANALYZE';
  ms: number;
}

/**
 * This machine's PostgreSQL runs with `autovacuum = off` (a setting of the host, not of this
 * project); production runs it (deploy/README.md), and migration 1765000000000 tunes it for
 * `dossiers`. Without it a bench measures what production never carries: every dossier
 * resolved since the replay began stays a dead entry in the open-dossier index and a dead heap
 * version, and no table has planner statistics — after a quarter the live overdue count read
 * 145,490 index entries for 7,021 overdue dossiers (159 ms; 10 ms after a VACUUM), three times a
 * second, half a core at 500 events/s.
 *
 * So, on such a server, the bench does autovacuum's work on the run's database: every
 * `autovacuum_naptime` it reads each table's counters and vacuums or analyzes those past the
 * thresholds autovacuum would use (`autovacuumDue`), one at a time as one worker would, with
 * autovacuum's cost-based delay. Its backend is a PostgreSQL process, so its CPU counts in the
 * run's PostgreSQL figure. On a server with autovacuum on it does nothing (`--no-vacuum` turns it off).
 */
export class AutovacuumStandIn {
  readonly work: StandInWork[] = [];
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly started = Date.now();

  private constructor(
    private readonly client: Client,
    private readonly thresholds: AutovacuumThresholds,
    private readonly naptimeMs: number,
  ) {}

  /** Starts it for the database at `databaseUrl` when the server's autovacuum is off; undefined when it is on. */
  static async start(databaseUrl: string): Promise<AutovacuumStandIn | undefined> {
    const client = new Client({ connectionString: databaseUrl, application_name: 'tthc-bench-autovacuum', statement_timeout: 300_000, connectionTimeoutMillis: 10_000 });
    await client.connect();
    const setting = async (name: string): Promise<string> => (await client.query<{ v: string }>(`SELECT current_setting($1) AS v`, [name])).rows[0].v;
    if ((await setting('autovacuum')) === 'on') {
      await client.end();
      return undefined;
    }
    const thresholds = Object.fromEntries(await Promise.all(THRESHOLD_SETTINGS.map(async (n) => [n, Number(await setting(n))]))) as unknown as AutovacuumThresholds;
    // Autovacuum's own throttle: its cost delay, and its cost limit or, at -1, vacuum's.
    const limit = Number(await setting('autovacuum_vacuum_cost_limit'));
    await client.query(`SELECT set_config('vacuum_cost_delay', current_setting('autovacuum_vacuum_cost_delay'), false)`);
    if (limit > 0) await client.query(`SELECT set_config('vacuum_cost_limit', $1, false)`, [String(limit)]);
    const naptimeMs = Number((await client.query<{ s: string }>(`SELECT setting AS s FROM pg_settings WHERE name = 'autovacuum_naptime'`)).rows[0].s) * 1000;
    const standIn = new AutovacuumStandIn(client, thresholds, naptimeMs);
    standIn.schedule();
    log(`autovacuum is off on this server: the bench vacuums the run's database as autovacuum would (every ${naptimeMs / 1000} s, the server's thresholds and the tables' own)`);
    return standIn;
  }

  /** Stops after the table in hand, if any, and closes its connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.client.end().catch(() => undefined);
  }

  /**
   * A pass now, waited for (after the one in hand, if any); then on at the naptime. Before the
   * freshness phases: the state a server with autovacuum reaches within a naptime of a replay,
   * rather than its first pass landing in the phases by the timing of the run.
   */
  async catchUp(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
    // The pass just awaited scheduled the next one as it finished: this pass replaces it.
    clearTimeout(this.timer);
    this.running = this.pass().catch((err: unknown) => log(`autovacuum stand-in: ${String(err)}`));
    await this.running;
    if (!this.stopped) this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .catch((err: unknown) => log(`autovacuum stand-in: ${String(err)}`))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.naptimeMs);
  }

  private async pass(): Promise<void> {
    const { rows } = await this.client.query<{ table: string; reltuples: number; dead: string; inserted: string; modified: string; options: string[] | null }>(
      `SELECT s.relname AS table, c.reltuples::float8 AS reltuples, s.n_dead_tup AS dead, s.n_ins_since_vacuum AS inserted,
              s.n_mod_since_analyze AS modified, c.reloptions AS options
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.schemaname = current_schema()`,
    );
    for (const r of rows) {
      if (this.stopped) return;
      const table: TableActivity = {
        table: r.table,
        reltuples: Number(r.reltuples),
        deadTuples: Number(r.dead),
        insertsSinceVacuum: Number(r.inserted),
        modsSinceAnalyze: Number(r.modified),
        options: Object.fromEntries((r.options ?? []).map((o) => o.split('=') as [string, string])),
      };
      const due = autovacuumDue(table, this.thresholds);
      if (!due.vacuum && !due.analyze) continue;
      const action = due.vacuum && due.analyze ? 'VACUUM (ANALYZE)' : due.vacuum ? 'VACUUM' : 'ANALYZE';
      const t0 = Date.now();
      await this.client.query(`${action} ${this.client.escapeIdentifier(r.table)}`);
      this.work.push({ atSeconds: Math.round((t0 - this.started) / 100) / 10, table: r.table, action, ms: Date.now() - t0 });
    }
  }
}
