import type { BenchEnv } from './bench-env';

/** One statement's share of PostgreSQL's executor time during a whole run (pg_stat_statements). */
export interface StatementCost {
  /** The normalised statement, whitespace collapsed, cut to 90 characters. */
  query: string;
  calls: number;
  rows: number;
  totalMs: number;
  /** Of the executor time of every statement the run's apps sent. */
  share: number;
}

interface StatementRow {
  queryid: string;
  query: string;
  calls: string;
  rows: string;
  total_exec_time: number;
}

type Snapshot = Map<string, StatementRow>;

const READ_SQL = `SELECT queryid::text, query, calls::text, rows::text, total_exec_time FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/**
 * Where PostgreSQL's time goes, statement by statement, when the server has pg_stat_statements
 * loaded (`shared_preload_libraries`; the bench never restarts a server to get it). Each run has
 * its own database, so its statements are told apart by `dbid` and nothing is reset. Executor
 * time is wall time inside PostgreSQL: lock waits and CPU contention included, so it is a share,
 * not a CPU figure.
 */
export class StatementStats {
  private constructor(
    private readonly env: BenchEnv,
    private readonly before: Snapshot,
  ) {}

  /** `undefined` when the server does not have the module loaded. */
  static async start(env: BenchEnv): Promise<StatementStats | undefined> {
    try {
      await env.sql(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
      return new StatementStats(env, await read(env));
    } catch {
      return undefined;
    }
  }

  async top(limit = 8): Promise<StatementCost[]> {
    const after = await read(this.env);
    const deltas = [...after.values()].map((row) => {
      const was = this.before.get(row.queryid);
      return {
        query: row.query.replace(/\s+/g, ' ').trim().slice(0, 90),
        calls: Number(row.calls) - Number(was?.calls ?? 0),
        rows: Number(row.rows) - Number(was?.rows ?? 0),
        totalMs: row.total_exec_time - (was?.total_exec_time ?? 0),
      };
    });
    const total = deltas.reduce((s, d) => s + d.totalMs, 0) || 1;
    return deltas
      .filter((d) => d.calls > 0)
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, limit)
      .map((d) => ({ ...d, totalMs: Math.round(d.totalMs), share: Math.round((d.totalMs * 1000) / total) / 10 }));
  }
}

async function read(env: BenchEnv): Promise<Snapshot> {
  return new Map((await env.sql<StatementRow>(READ_SQL)).map((r) => [r.queryid, r]));
}

/** Report lines: share, executor seconds, calls, ms per call, rows, statement. */
export function statementLines(statements: StatementCost[]): string[] {
  return statements.map(
    (s) =>
      `  ${s.share.toFixed(1).padStart(5)}%  ${(s.totalMs / 1000).toFixed(1).padStart(6)} s  ${String(s.calls).padStart(7)} calls  ${(s.totalMs / Math.max(1, s.calls)).toFixed(2).padStart(8)} ms/call  ${String(s.rows).padStart(8)} rows  ${s.query}`,
  );
}
