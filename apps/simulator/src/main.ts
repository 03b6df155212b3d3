import { setTimeout as delay } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import { VINH_LONG_PROVINCE_CODE, loadUnitCatalogue } from '@tthc/catalogue';
import { createKafka, createProducer } from '@tthc/messaging';
import { createLogger } from '@tthc/platform';
import { USAGE, parseCliArgs, type LiveOptions } from './cli-args';
import { DEFAULT_DOSSIERS_PER_DAY, DossierFeed } from './feed/dossier-feed';
import { DEFAULT_RUNNER_OPTIONS, LiveRunner, type Clock, type MessageSink } from './live-runner';
import { NoiseInjector, type OutgoingMessage } from './noise';
import { FILE_USAGE, type FileModeOptions, type ProduceModeOptions, parseFileArgs } from './file/file-cli-args';
import { produceFile } from './file/file-producer';
import { NO_DISORDER } from './file/transport-disorder';
import { writePeriodFile } from './file/period-file.writer';

/**
 * The simulator CLI (plain Node, no Nest):
 *   node dist/apps/simulator/src/main.js live [--seed 86] [--backfill-days 30] [--speed max] [--rate-scale 1] [--no-noise]
 *   node dist/apps/simulator/src/main.js file --from D --to D --out DIR [--seed 86] [--rate-scale 1] [--no-disorder]
 *   node dist/apps/simulator/src/main.js produce --file DIR/events.ndjson [--topic T] [--batch 5000] [--in-flight 6]
 * See USAGE in cli-args.ts and FILE_USAGE in file/file-cli-args.ts.
 */

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch(() => undefined),
};

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function runLive(options: LiveOptions): Promise<void> {
  const logger = createLogger('simulator', options.logLevel);
  const units = loadUnitCatalogue(VINH_LONG_PROVINCE_CODE);
  const feed = new DossierFeed({ seed: options.seed, units, dossiersPerDay: DEFAULT_DOSSIERS_PER_DAY * options.rateScale, v2Share: options.v2Share });

  const kafka = createKafka(options.brokers, 'tthc-simulator', logger);
  const producer = createProducer(kafka);
  const sink: MessageSink = {
    async send(messages: OutgoingMessage[]): Promise<void> {
      // No record timestamp: the broker's produce time keeps backfilled records clear of
      // time-based retention (an event-time timestamp 30 days old would be due for deletion).
      await producer.send({ topic: options.topic, acks: -1, messages });
    },
  };
  const runner = new LiveRunner(feed, sink, realClock, logger, {
    ...DEFAULT_RUNNER_OPTIONS,
    backfillDays: options.backfillDays,
    speed: options.speed,
    noise: options.noise ? new NoiseInjector(options.seed) : undefined,
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without a clean disconnect');
      process.exit(1);
    }
    logger.info({ signal }, 'stopping');
    runner.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  logger.info({ brokers: options.brokers, topic: options.topic, seed: options.seed, rateScale: options.rateScale, units: units.length }, 'connecting to Kafka');
  await producer.connect();
  try {
    await runner.run();
  } finally {
    await Promise.race([producer.disconnect(), delay(SHUTDOWN_TIMEOUT_MS)]);
  }
}

function runFile(o: FileModeOptions): void {
  const started = Date.now();
  const truth = writePeriodFile({
    seed: o.seed,
    from: o.from,
    to: o.to,
    units: loadUnitCatalogue(o.province),
    rateScale: o.rateScale,
    v2Share: o.v2Share,
    outDir: o.out,
    ...(o.disorder ? {} : { disorder: NO_DISORDER }),
  });
  const summary = { out: o.out, lines: truth.lines, transport: truth.transport, totals: truth.totals, ms: Date.now() - started };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

async function runProduce(o: ProduceModeOptions): Promise<void> {
  const logger = createLogger('simulator', process.env.LOG_LEVEL || 'warn');
  const kafka = createKafka(o.brokers, 'tthc-simulator-file', logger);
  // Not createProducer's idempotent one: this is the bench's load generator, `--in-flight`
  // requests outstanding against the broker's ceiling (BENCHMARKS.md), which kafkajs' idempotent
  // mode would serialise; what it sends is read by ingest, which drops a re-sent eventId.
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const result = await produceFile(producer, { file: o.file, topic: o.topic, batchSize: o.batchSize, inFlight: o.inFlight });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.race([producer.disconnect(), delay(SHUTDOWN_TIMEOUT_MS)]);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'file' || argv[0] === 'produce') {
    const fileArgs = parseFileArgs(argv, process.env);
    if (fileArgs.kind === 'help') return void process.stdout.write(FILE_USAGE);
    if (fileArgs.kind === 'error') {
      process.stderr.write(`simulator: ${fileArgs.message}\n\n${FILE_USAGE}`);
      process.exit(2);
    }
    if (fileArgs.options.command === 'file') runFile(fileArgs.options);
    else await runProduce(fileArgs.options);
    process.exit(0);
  }
  const parsed = parseCliArgs(argv, process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n${FILE_USAGE}`);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`simulator: ${parsed.message}\n\n${USAGE}`);
    process.exit(2);
  }
  await runLive(parsed.options);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
