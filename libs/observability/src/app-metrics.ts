import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type AppName = 'ingest' | 'aggregator' | 'notifier' | 'api';

/** Messages per batch: kafkajs hands over up to maxBytesPerPartition (1 MiB ≈ 3,000 events). */
const BATCH_SIZE_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000];
/** Seconds: a batch or a transaction takes milliseconds normally and seconds when a dependency struggles. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Every metric the apps export, defined once (issue 13): one prom-client Registry per app, so
 * several apps in one process (the e2e tests) never share a series, and every name starts with
 * `tthc_`. Each app creates the whole set; a metric an app never touches exports only its HELP
 * and TYPE lines. The label `app` is on every series, so a dashboard can tell the apps apart
 * however the scraper names its jobs. Names and labels are an interface: the Grafana dashboard
 * and the alerting rules under deploy/ are checked against this registry by a test.
 */
export class AppMetrics {
  readonly registry = new Registry();

  /** Messages of successfully handled batches, per consumer. */
  readonly consumedMessages: Counter<'topic' | 'group'>;
  readonly batchSize: Histogram<'topic' | 'group'>;
  /** Time in the batch handler, per attempt: outcome `ok`, or `error` for an attempt that threw. */
  readonly batchDuration: Histogram<'topic' | 'group' | 'outcome'>;
  /** Log-end offset minus the group's committed offset, per partition this instance owns. */
  readonly consumerLag: Gauge<'topic' | 'group' | 'partition'>;
  /** The group's committed offset; flat while the lag is not zero means the partition is stuck. */
  readonly committedOffset: Gauge<'topic' | 'group' | 'partition'>;
  readonly lagPollFailures: Counter<'topic' | 'group'>;

  /** Ingest: valid events seen for the first time (forwarded to the validated topic). */
  readonly eventsAccepted: Counter;
  /** Ingest: valid events whose eventId the raw log already had (dropped). */
  readonly eventsDuplicate: Counter;
  /** Ingest: events that failed validation, by stable reason code (README, Bad input). */
  readonly eventsRejected: Counter<'reason'>;
  /** Messages written to the dead-letter topic, by reason code. */
  readonly dlqMessages: Counter<'reason'>;
  /** Aggregator: events of the validated topic folded in committed batches (a record may bundle many). */
  readonly eventsApplied: Counter;

  /**
   * Aggregator: recomputes of the live snapshot (Redis and `tthc.metrics.units`): `published`, or
   * `failed` (its units are retried at the next flush). Nothing else shows a snapshot that has
   * stopped moving: the batches go on committing meanwhile.
   */
  readonly liveSnapshotUpdates: Counter<'outcome'>;

  /** Every PostgreSQL transaction of the app, from BEGIN to COMMIT or ROLLBACK. */
  readonly dbTransactionDuration: Histogram<'outcome'>;

  /** Notifier: alert transitions published, by the state they lead to. */
  readonly alertTransitions: Counter<'state'>;
  /** Notifier: webhook delivery attempts: `delivered`, `retry` (will be tried again) or `dead`. */
  readonly webhookDeliveries: Counter<'outcome'>;
  /** Notifier: grouped notifications built (issue 15), by rule; each goes to every receiver. */
  readonly alertNotifications: Counter<'rule'>;

  /** Api: HTTP requests by method, route pattern (not the raw path) and status code. */
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(readonly app: AppName) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ app });
    // The standard process_* and nodejs_* metrics (CPU, memory, event-loop lag, GC).
    collectDefaultMetrics({ register: this.registry });

    this.consumedMessages = new Counter({
      name: 'tthc_consumer_messages_total',
      help: 'Kafka messages in batches the consumer handled successfully',
      labelNames: ['topic', 'group'],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'tthc_consumer_batch_size',
      help: 'Messages per batch handed to the handler',
      labelNames: ['topic', 'group'],
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'tthc_consumer_batch_duration_seconds',
      help: 'Time the batch handler took, per attempt (outcome ok or error)',
      labelNames: ['topic', 'group', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'tthc_consumer_lag',
      help: "Messages between the partition's log end and the consumer group's committed offset",
      labelNames: ['topic', 'group', 'partition'],
      registers,
    });
    this.committedOffset = new Gauge({
      name: 'tthc_consumer_committed_offset',
      help: "The consumer group's committed offset on the partition",
      labelNames: ['topic', 'group', 'partition'],
      registers,
    });
    this.lagPollFailures = new Counter({
      name: 'tthc_consumer_lag_poll_failures_total',
      help: 'Failed attempts to read log-end and committed offsets from the brokers',
      labelNames: ['topic', 'group'],
      registers,
    });
    this.eventsAccepted = new Counter({ name: 'tthc_events_accepted_total', help: 'Valid events appended to the raw log and forwarded', registers });
    this.eventsApplied = new Counter({
      name: 'tthc_events_applied_total',
      help: 'Events of the validated topic folded into dossier states and day rows, in committed batches (a Kafka record may bundle many)',
      registers,
    });
    this.eventsDuplicate = new Counter({ name: 'tthc_events_duplicate_total', help: 'Valid events dropped because their eventId was already logged', registers });
    this.eventsRejected = new Counter({
      name: 'tthc_events_rejected_total',
      help: 'Events rejected by validation, by reason code',
      labelNames: ['reason'],
      registers,
    });
    this.dlqMessages = new Counter({
      name: 'tthc_dlq_messages_total',
      help: 'Messages sent to the dead-letter topic, by reason code',
      labelNames: ['reason'],
      registers,
    });
    this.dbTransactionDuration = new Histogram({
      name: 'tthc_db_transaction_duration_seconds',
      help: 'PostgreSQL transaction time from BEGIN to COMMIT (outcome commit) or ROLLBACK (outcome rollback)',
      labelNames: ['outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.liveSnapshotUpdates = new Counter({
      name: 'tthc_live_snapshot_updates_total',
      help: 'Live snapshot recomputes by outcome: published (Redis and the unit metrics topic written) or failed (retried at the next flush)',
      labelNames: ['outcome'],
      registers,
    });
    this.alertTransitions = new Counter({
      name: 'tthc_alert_transitions_total',
      help: 'Alert transitions published to the alerts topic and webhooks, by the state entered',
      labelNames: ['state'],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'tthc_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered, retry or dead',
      labelNames: ['outcome'],
      registers,
    });
    this.alertNotifications = new Counter({
      name: 'tthc_alert_notifications_total',
      help: 'Grouped alert notifications built for the webhook receivers, by rule (one message per rule per interval)',
      labelNames: ['rule'],
      registers,
    });
    this.httpRequestDuration = new Histogram({
      name: 'tthc_http_request_duration_seconds',
      help: 'HTTP request time by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  /** Counts a handled batch: the consumer observer of libs/messaging reports here. */
  observeBatch(b: { topic: string; group: string; size: number; seconds: number; ok: boolean }): void {
    const labels = { topic: b.topic, group: b.group };
    this.batchDuration.observe({ ...labels, outcome: b.ok ? 'ok' : 'error' }, b.seconds);
    if (!b.ok) return;
    this.batchSize.observe(labels, b.size);
    this.consumedMessages.inc(labels, b.size);
  }

  /** Counts what one ingest batch did, once its transaction committed. */
  observeIngest(r: { accepted: number; duplicates: number; rejectedByReason: Record<string, number> }): void {
    if (r.accepted > 0) this.eventsAccepted.inc(r.accepted);
    if (r.duplicates > 0) this.eventsDuplicate.inc(r.duplicates);
    for (const [reason, n] of Object.entries(r.rejectedByReason)) this.eventsRejected.inc({ reason }, n);
  }

  /** Dead letters sent to the DLQ topic (by ingest and the aggregator, validation and storage refusals alike). */
  observeDeadLetters(reasons: string[]): void {
    for (const reason of reasons) this.dlqMessages.inc({ reason });
  }

  /** The Prometheus text exposition of every metric of this app. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
