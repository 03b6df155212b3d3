import type { KafkaBatchServer } from '@tthc/messaging';
import type { DestinationStream } from '@tthc/platform';

/** Injection tokens of the shared infrastructure (see infrastructure.module.ts). */
export const SETTINGS = Symbol('SETTINGS');
export const LOGGER = Symbol('LOGGER');
export const KAFKA = Symbol('KAFKA');
export const REDIS = Symbol('REDIS');
export const PRODUCER = Symbol('PRODUCER');
export const CLOCK = Symbol('CLOCK');
/** The worker's Kafka batch transport (libs/messaging KafkaBatchServer), or null in the api. */
export const BATCH_SERVER = Symbol('BATCH_SERVER');
/** The app's metrics (libs/observability AppMetrics): one Registry per app. */
export const METRICS = Symbol('METRICS');

/** The only place the apps read the time; tests substitute their own. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** What every app module's `register()` takes: the environment, and test-only isolation knobs. */
export interface AppModuleOptions {
  env: Record<string, string | undefined>;
  /** PostgreSQL schema to use (tests run each suite in a fresh one). */
  databaseSchema?: string;
  clock?: Clock;
  /** A worker's transport (startWorker creates it): its controllers subscribe to it. */
  transport?: KafkaBatchServer;
  /** Where the app's JSON log lines go (tests read them); stdout otherwise. */
  logDestination?: DestinationStream;
  /** A worker consumer's fatal error: exits the process unless given (the in-process test harness reports it instead). */
  onFatal?: (error: unknown) => void;
}
