/** One line of the summary: a scenario over all its runs. */
export interface ScenarioRow {
  scenario: string;
  command: string;
  runs: number;
  faults: number;
  events: number;
  differences: number;
  /** Time to recover of each run, ms. */
  recoverMs: number[];
  notes: string[];
  /** Set when a run failed outright (an exception, not a difference). */
  error?: string;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The recovery times as "median (max)" over the runs. */
export function recoverySummary(ms: number[]): string {
  if (ms.length === 0) return '–';
  const s = [...ms].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return s.length === 1 ? seconds(median) : `${seconds(median)} (max ${seconds(s[s.length - 1])})`;
}

/** The table RELIABILITY.md carries: one Markdown row per scenario. */
export function formatTable(rows: ScenarioRow[]): string {
  const lines = [
    '| scenario | command | runs | faults injected | events | differences | time to recover |',
    '|---|---|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | \`${r.command}\` | ${r.runs} | ${r.faults} | ${r.events.toLocaleString('en-US')} | ${r.error ? `failed: ${r.error}` : r.differences} | ${recoverySummary(r.recoverMs)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export const rowPassed = (r: ScenarioRow): boolean => !r.error && r.differences === 0;
