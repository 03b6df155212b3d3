import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { CommonSettings, loadSettings } from '@tthc/config';
import { isLocalDate } from '@tthc/domain';
import { createKafka } from '@tthc/messaging';
import { dataSourceOptions } from '@tthc/persistence';
import { createLogger } from '@tthc/platform';
import { replayPeriod } from './audit/replay';
import { verifyCounters } from './audit/verify';
import { provision } from './provision';

const USAGE = `usage: node dist/apps/cli/src/main.js <command>
  provision                                   create the database schema, unit catalogue and topics (idempotent)
  verify --from YYYY-MM-DD --to YYYY-MM-DD [--unit CODE]...
                                              recompute the period from the raw event log and compare with the
                                              stored counters; exit 1 on any difference
  replay --from YYYY-MM-DD --to YYYY-MM-DD [--unit CODE]...
                                              rebuild the period's dossiers and counters from the raw event log
                                              while the pipeline runs; prints what changed`;

function period(values: { from?: string; to?: string }): { from: string; to: string } {
  const { from, to } = values;
  if (!from || !isLocalDate(from)) throw new UsageError(`--from must be a date YYYY-MM-DD, got ${JSON.stringify(from)}`);
  if (!to || !isLocalDate(to)) throw new UsageError(`--to must be a date YYYY-MM-DD, got ${JSON.stringify(to)}`);
  if (from > to) throw new UsageError(`--from (${from}) is after --to (${to})`);
  return { from, to };
}

class UsageError extends Error {}

async function withDataSource<T>(settings: CommonSettings, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = await new DataSource(dataSourceOptions(settings.DATABASE_URL, { poolSize: 2, appName: 'tthc-cli' })).initialize();
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const settings = loadSettings(CommonSettings, process.env);
  const logger = createLogger('cli', settings.LOG_LEVEL);
  const args = () =>
    parseArgs({ args: rest, options: { from: { type: 'string' }, to: { type: 'string' }, unit: { type: 'string', multiple: true } } }).values;
  switch (command) {
    case 'provision': {
      const report = await provision(settings, createKafka(settings.KAFKA_BROKERS, `${settings.KAFKA_CLIENT_ID}-cli`, logger, settings));
      logger.info(report, 'provisioned: database schema, unit catalogue and topics are in place');
      return 0;
    }
    case 'verify': {
      const a = args();
      const { from, to } = period(a);
      const report = await withDataSource(settings, (ds) => verifyCounters(ds, from, to, a.unit));
      console.log(JSON.stringify(report, null, 2));
      console.error(
        report.differences.length === 0
          ? `verify: ${report.rowsCompared} unit-days from ${from} to ${to} match the raw event log`
          : `verify: ${report.differences.length} differences between the stored counters and the raw event log`,
      );
      return report.differences.length === 0 ? 0 : 1;
    }
    case 'replay': {
      const a = args();
      const { from, to } = period(a);
      const group = process.env.AGGREGATOR_GROUP_ID ?? 'tthc-aggregator';
      const report = await withDataSource(settings, (ds) => replayPeriod(ds, group, from, to, a.unit));
      console.log(JSON.stringify(report, null, 2));
      console.error(
        `replay: ${report.dossiersRebuilt} dossiers refolded, ${report.dossiersChanged} changed, ${report.counterChanges.length} counter values changed`,
      );
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : error instanceof Error ? error.message : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
