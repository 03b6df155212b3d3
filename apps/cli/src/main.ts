import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { CommonSettings, loadSettings } from '@tthc/config';
import { isLocalDate } from '@tthc/domain';
import { createKafka } from '@tthc/messaging';
import { dataSourceOptions, resendDeadDeliveries } from '@tthc/persistence';
import { createLogger } from '@tthc/platform';
import { KeyUsageError, apiKeyEntry, newApiKey } from './api-key.command';
import { replayPeriod } from './audit/replay';
import { verifyCounters } from './audit/verify';
import { ProcedureFileError, loadProcedureFile } from './procedures.command';
import { provision } from './provision';

const USAGE = `usage: node dist/apps/cli/src/main.js <command>
  provision                                   create the database schema, unit catalogue and topics (idempotent)
  verify --from YYYY-MM-DD --to YYYY-MM-DD [--unit CODE]...
                                              recompute the period from the raw event log and compare with the
                                              stored counters; exit 1 on any difference
  replay --from YYYY-MM-DD --to YYYY-MM-DD [--unit CODE]...
                                              rebuild the period's dossiers and counters from the raw event log
                                              while the pipeline runs; prints what changed
  keys new --name NAME --roles ROLE[|ROLE]    make an API key: prints the key (give it to its holder) and its
                                              API_KEYS entry (name:roles:sha256); roles ioc, operator, auditor, admin
  keys hash --name NAME --roles ROLE[|ROLE]   the API_KEYS entry for a key read from standard input
  deliveries resend --state DEAD [--id N]...  put dead-lettered webhook deliveries (all, or these) back in the queue
  procedures load --file FILE.csv             load the procedure catalogue from CSV (columns code,name,level,
                                              online_service,online_payment,essential[,deadline_working_days]);
                                              every bad line is reported and nothing is written`;

function period(values: { from?: string; to?: string }): { from: string; to: string } {
  const { from, to } = values;
  if (!from || !isLocalDate(from)) throw new UsageError(`--from must be a date YYYY-MM-DD, got ${JSON.stringify(from)}`);
  if (!to || !isLocalDate(to)) throw new UsageError(`--to must be a date YYYY-MM-DD, got ${JSON.stringify(to)}`);
  if (from > to) throw new UsageError(`--from (${from}) is after --to (${to})`);
  return { from, to };
}

class UsageError extends KeyUsageError {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function withDataSource<T>(settings: CommonSettings, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const timeouts = { statementTimeoutMs: settings.DB_STATEMENT_TIMEOUT_MS, lockTimeoutMs: settings.DB_LOCK_TIMEOUT_MS, connectTimeoutMs: settings.DB_CONNECT_TIMEOUT_MS };
  const ds = await new DataSource(dataSourceOptions(settings.DATABASE_URL, { poolSize: 2, appName: 'tthc-cli', timeouts })).initialize();
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
  const args = () => parseArgs({ args: rest, options: { from: { type: 'string' }, to: { type: 'string' }, unit: { type: 'string', multiple: true } } }).values;
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
      const agree = report.differences.length === 0 && report.indicatorDifferences.length === 0;
      console.error(
        agree
          ? `verify: ${report.rowsCompared} unit-days and ${report.indicatorRowsCompared} unit-procedure-days of indicators from ${from} to ${to} match the raw event log`
          : `verify: ${report.differences.length} counter and ${report.indicatorDifferences.length} indicator differences between the stored rows and the raw event log`,
      );
      return agree ? 0 : 1;
    }
    case 'replay': {
      const a = args();
      const { from, to } = period(a);
      const group = process.env.AGGREGATOR_GROUP_ID ?? 'tthc-aggregator';
      const report = await withDataSource(settings, (ds) => replayPeriod(ds, group, from, to, a.unit));
      console.log(JSON.stringify(report, null, 2));
      console.error(
        `replay: ${report.dossiersRebuilt} dossiers refolded, ${report.dossiersChanged} changed, ${report.counterChanges.length} counter values and ${report.indicatorChanges.length} indicator values changed`,
      );
      return 0;
    }
    case 'keys': {
      const [sub, ...opts] = rest;
      const a = parseArgs({ args: opts, options: { name: { type: 'string' }, roles: { type: 'string' } } }).values;
      if (sub === 'new') {
        const key = newApiKey();
        const entry = apiKeyEntry(a.name, a.roles, key);
        console.log(`key (give it to its holder; it is not stored anywhere): ${key}`);
        console.log(`API_KEYS entry: ${entry}`);
        return 0;
      }
      if (sub === 'hash') {
        console.log(apiKeyEntry(a.name, a.roles, await readStdin()));
        return 0;
      }
      throw new UsageError(`keys takes new or hash, got ${JSON.stringify(sub)}`);
    }
    case 'deliveries': {
      const [sub, ...opts] = rest;
      const a = parseArgs({ args: opts, options: { state: { type: 'string' }, id: { type: 'string', multiple: true } } }).values;
      if (sub !== 'resend') throw new UsageError(`deliveries takes resend, got ${JSON.stringify(sub)}`);
      if (a.state !== 'DEAD') throw new UsageError('deliveries resend needs --state DEAD: only dead-lettered deliveries are re-sent');
      const ids = a.id?.map((v) => {
        if (!/^\d{1,18}$/.test(v)) throw new UsageError(`--id must be a delivery id (a positive integer), got ${JSON.stringify(v)}`);
        return Number(v);
      });
      const resent = await withDataSource(settings, (ds) => resendDeadDeliveries(ds, ids));
      console.log(JSON.stringify({ resent }, null, 2));
      const missing = ids?.filter((id) => !resent.includes(id)) ?? [];
      console.error(`deliveries: ${resent.length} dead deliveries back in the queue` + (missing.length ? `; not DEAD or not found: ${missing.join(', ')}` : ''));
      return missing.length > 0 ? 1 : 0;
    }
    case 'procedures': {
      const [sub, ...opts] = rest;
      const a = parseArgs({ args: opts, options: { file: { type: 'string' } } }).values;
      if (sub !== 'load') throw new UsageError(`procedures takes load, got ${JSON.stringify(sub)}`);
      if (!a.file) throw new UsageError('procedures load needs --file FILE.csv');
      const file = a.file;
      try {
        const report = await withDataSource(settings, (ds) => loadProcedureFile(ds, file));
        console.log(JSON.stringify(report, null, 2));
        console.error(`procedures: ${report.rows} rows from ${file}: ${report.inserted} new, ${report.updated} updated`);
        return 0;
      } catch (e) {
        if (!(e instanceof ProcedureFileError)) throw e;
        console.error(e.message);
        console.error(`procedures: ${file} not loaded (${e.lines.length} problem${e.lines.length === 1 ? '' : 's'}); nothing was written`);
        return 1;
      }
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    const usage = error instanceof KeyUsageError;
    console.error(usage ? `${error.message}\n\n${USAGE}` : error instanceof Error ? error.message : error);
    process.exit(usage ? 2 : 1);
  },
);
