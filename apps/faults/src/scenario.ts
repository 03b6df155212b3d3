import type { Difference } from './fault-checks';
import type { FaultFeed } from './fault-feed';
import type { FaultInfra } from './fault-infra';
import type { FaultsOptions } from './faults-args';
import type { SeededRandom } from './seeded-random';

/** What one scenario run gets: the private infrastructure, its feed, a seed and where logs go. */
export interface ScenarioContext {
  infra: FaultInfra;
  opts: FaultsOptions;
  feed: FaultFeed;
  seed: number;
  logDir: string;
  rng: SeededRandom;
}

/** What one run of a scenario found. */
export interface RunOutcome {
  /** Faults injected (kills, outages, instances added, partitions added…). */
  faults: number;
  events: number;
  differences: Difference[];
  /** From the end of the last fault (the process, service or instance back) until the pipeline caught up. */
  recoverMs: number;
  /** Facts worth a line in the report (how many kills found a backlog, shutdown times…). */
  notes: string[];
}

export type Scenario = (ctx: ScenarioContext) => Promise<RunOutcome>;

/** Paces a stream of `records` over about `seconds`: chunks of records, a pause after each. */
export function pace(records: number, seconds: number): { chunk: number; pauseMs: number } {
  const pauseMs = 250;
  const steps = Math.max(1, Math.floor((seconds * 1000) / pauseMs));
  return { chunk: Math.max(50, Math.ceil(records / steps)), pauseMs };
}
