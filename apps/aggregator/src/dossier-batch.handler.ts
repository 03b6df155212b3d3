import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type DeadLetter, type DecodedValidated, decodeValidatedRecord, encodeValidatedRecords, storageRejection } from '@tthc/contracts';
import { CounterDeltaAccumulator, type DossierEvent, type DossierState, IndicatorDeltaAccumulator, type LocalDate, applyDossierEvent, indicatorChange, overdueChangeFrom } from '@tthc/domain';
import { DeadLetterWriter, LOGGER, SETTINGS } from '@tthc/infrastructure';
import { type PartitionBatch, recordContext, refuseOffsetGap } from '@tthc/messaging';
import {
  type Sql,
  type WritePart,
  counterDeltaWrites,
  dossierKey,
  dossierWrites,
  enterDossierBatch,
  indicatorDeltaWrites,
  loadDossiers,
  nextOffsetWrite,
  runWrites,
  saveNextOffset,
  unitVersionsWrite,
} from '@tthc/persistence';
import { type Failure, type Logger, classifyFailure } from '@tthc/platform';
import type { AggregatorSettings } from './aggregator.settings';

export interface DossierBatchResult {
  /** Units whose figures may have changed: the live snapshot refreshes them. */
  changedUnits: Set<string>;
  /** Per unit whose day rows the batch wrote, the earliest day written (the live snapshot re-reads a unit's past days only when it is before today). */
  earliestDays: Map<string, LocalDate>;
  /**
   * Per unit, the earliest instant from which the batch can have changed its overdue-open count
   * (libs/domain `overdueChangeFrom` of each changed dossier); a unit absent: at no instant. The
   * live snapshot keeps a unit's count until then (OverdueCounts).
   */
  overdueChangeFrom: Map<string, number>;
  /** Events folded (metrics: a validated record may bundle many). */
  applied: number;
}

/**
 * Folds a batch of validated events into dossier states and day counters.
 *
 * Exactly-once effect (PRODUCT.md): the dossier states, the unit counter deltas, the indicator
 * deltas per (unit, procedure, day) (issue 15) and the partition's next offset are written in one
 * transaction, through that transaction's own manager. The offset row is locked first
 * (`enterDossierBatch`); messages below the stored offset were already applied (a redelivery after
 * a crash, or a zombie instance after a rebalance) and are skipped. The units of the batch are
 * locked in the same call, before the dossiers are read, so batches of other partitions carrying
 * the same dossiers apply one after the other; a deadlock or serialization failure (40P01, 40001)
 * is transient and the batch consumer retries the whole batch.
 *
 * Five round trips a batch (issue 12): BEGIN, enter (gate, offset, unit locks), load, every write
 * as one statement (`runWrites`), COMMIT. Records are decoded before the transaction opens, so
 * the units to lock are known when it does.
 * Returns the units whose figures may have changed and how many events it folded.
 */
@Injectable()
export class DossierBatchHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterWriter,
    @Inject(SETTINGS) private readonly settings: AggregatorSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(batch: PartitionBatch): Promise<DossierBatchResult> {
    const group = this.settings.AGGREGATOR_GROUP_ID;
    const decoded = batch.messages.map((m) => decodeValidatedRecord(m.value));
    return this.dataSource.transaction(async (tx) => {
      // The batch's stored offset commits with its effects, so a commit PostgreSQL loses in a
      // crash (asynchronous commit: at most wal_writer_delay × 3) takes its offset with it and
      // the batch is applied again: no fsync wait per batch, and still exactly once (issue 12).
      const stored = await enterDossierBatch(tx, { group, topic: batch.topic, partition: batch.partition, units: unitsOf(decoded), asynchronousCommit: true });
      refuseOffsetGap(batch, stored);
      const events: DossierEvent[] = [];
      const refused: DeadLetter[] = [];
      let pending = 0;
      batch.messages.forEach((m, i) => {
        if (stored !== undefined && BigInt(m.offset) < BigInt(stored)) return;
        pending++;
        const record = decoded[i];
        if (record.ok) events.push(...record.events);
        else refused.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, rejection: record.rejection, key: m.key ?? null, payload: m.value ?? null });
      });
      if (pending === 0) return { ...nothingChanged(), applied: 0 };

      const folded = await foldEvents(tx, events);
      await runWrites(tx, [...folded.writes, nextOffsetWrite(group, batch.topic, batch.partition, batch.nextOffset)]);
      // Dead letters only once storage took the batch's writes: the DLQ send cannot be rolled back,
      // and a batch refused after it would be retried record by record and send them again.
      if (refused.length) {
        // Only ingest should write this topic: a record it would not have written is a defect upstream.
        const records = refused.slice(0, 20).map((r) => ({ ...recordContext(batch.topic, r.partition, { offset: r.offset, key: r.key, value: r.payload }), reason: r.rejection.code }));
        this.logger.error({ topic: batch.topic, partition: batch.partition, count: refused.length, records }, 'invalid records on the validated topic; dead-lettered');
        await this.deadLetters.write(tx, refused);
      }
      return { ...folded.changes, applied: events.length };
    });
  }

  /**
   * One record the database refused although it decoded (the batch consumer isolated it). A
   * bundle is taken apart: each of its events is applied alone under a savepoint, so only the
   * events the database refuses are dead-lettered, as one STORAGE_REJECTED record for the source
   * position (a bundle of them) with the first refusal's SQLSTATE; the rest count. The stored
   * offset moves past the record in the same transaction, so the partition carries on and a
   * redelivery finds it already handled.
   */
  async deadLetter(batch: PartitionBatch, failure: Failure): Promise<DossierBatchResult> {
    const group = this.settings.AGGREGATOR_GROUP_ID;
    const m = batch.messages[0];
    const decoded = decodeValidatedRecord(m.value);
    return this.dataSource.transaction(async (tx) => {
      const stored = await enterDossierBatch(tx, { group, topic: batch.topic, partition: batch.partition, units: unitsOf([decoded]), asynchronousCommit: false });
      refuseOffsetGap(batch, stored);
      const changed = nothingChanged();
      let applied = 0;
      if (stored !== undefined && BigInt(stored) > BigInt(m.offset)) return { ...changed, applied };
      const dead: DeadLetter = { topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key ?? null, payload: m.value ?? null, ...storageRejection(failure) };
      if (!decoded.ok || decoded.events.length === 1) {
        await this.deadLetters.write(tx, [dead]);
      } else {
        const refused: { event: DossierEvent; failure: Failure }[] = [];
        for (const event of decoded.events) {
          await tx.query('SAVEPOINT one_event');
          try {
            const folded = await foldEvents(tx, [event]);
            await runWrites(tx, folded.writes);
            mergeChanges(changed, folded.changes);
            await tx.query('RELEASE SAVEPOINT one_event');
            applied++;
          } catch (e) {
            const alone = classifyFailure(e);
            if (alone.kind !== 'data') throw e;
            await tx.query('ROLLBACK TO SAVEPOINT one_event');
            refused.push({ event, failure: alone });
          }
        }
        this.logger.error(
          { ...recordContext(batch.topic, batch.partition, m), events: decoded.events.length, refused: refused.length },
          'storage refused events of a validated bundle; dead-lettered those alone',
        );
        if (refused.length) {
          const payload = Buffer.from(
            encodeValidatedRecords(
              refused.map((r) => r.event),
              Number.MAX_SAFE_INTEGER,
            )[0].value,
          );
          await this.deadLetters.write(tx, [{ ...dead, payload, ...storageRejection(refused[0].failure) }]);
        }
      }
      await saveNextOffset(tx, group, batch.topic, batch.partition, batch.nextOffset);
      return { ...changed, applied };
    });
  }
}

/** The units of every event a batch's records carry: the locks its transaction takes. */
function unitsOf(records: readonly DecodedValidated[]): Set<string> {
  const units = new Set<string>();
  for (const r of records) if (r.ok) for (const e of r.events) units.add(e.unitCode);
  return units;
}

type Changes = Pick<DossierBatchResult, 'changedUnits' | 'earliestDays' | 'overdueChangeFrom'>;

const nothingChanged = (): Changes => ({ changedUnits: new Set(), earliestDays: new Map(), overdueChangeFrom: new Map() });

function mergeChanges(into: Changes, more: Changes): void {
  for (const unit of more.changedUnits) into.changedUnits.add(unit);
  for (const [unit, day] of more.earliestDays) noteDay(into.earliestDays, unit, day);
  for (const [unit, from] of more.overdueChangeFrom) noteInstant(into.overdueChangeFrom, unit, from);
}

function noteInstant(earliest: Map<string, number>, unit: string, instant: number): void {
  if (instant < (earliest.get(unit) ?? Infinity)) earliest.set(unit, instant);
}

function noteDay(earliest: Map<string, LocalDate>, unit: string, day: LocalDate): void {
  const seen = earliest.get(unit);
  if (seen === undefined || day < seen) earliest.set(unit, day);
}

/**
 * Folds events into the dossier states, the unit day rows and the indicator day rows, inside the
 * caller's transaction, whose unit locks cover the events: reads the dossiers, and returns the
 * writes (for the caller to run with the rest of the batch's), the units whose figures may have
 * changed and the earliest day row written per unit.
 */
async function foldEvents(tx: Sql, events: DossierEvent[]): Promise<{ changes: Changes; writes: WritePart[] }> {
  const loaded = await loadDossiers(tx, events);
  const states = new Map(loaded);
  const acc = new CounterDeltaAccumulator();
  const changed = new Map<string, DossierState>();
  for (const event of events) {
    const key = dossierKey(event);
    const before = states.get(key);
    const after = applyDossierEvent(before, event, acc);
    if (after !== before) {
      states.set(key, after);
      changed.set(key, after);
    }
  }

  // Indicators: each changed dossier's whole contribution as it was before the batch is
  // retracted and its contribution now added (libs/domain `countIndicatorFacts`): one pass per
  // changed dossier, not per event, and the sum of the per-event changes by construction.
  const indicators = new IndicatorDeltaAccumulator();
  for (const [key, after] of changed) indicatorChange(indicators, loaded.get(key), after);

  const counterDeltas = acc.deltas();
  const indicatorDeltas = indicators.deltas();
  const earliestDays = new Map<string, LocalDate>();
  for (const d of [...counterDeltas, ...indicatorDeltas]) noteDay(earliestDays, d.unitCode, d.day);
  const overdueFrom = new Map<string, number>();
  for (const [key, after] of changed) noteInstant(overdueFrom, after.unitCode, overdueChangeFrom(loaded.get(key), after));
  const changedUnits = new Set([...changed.values()].map((s) => s.unitCode));
  return {
    changes: { changedUnits, earliestDays, overdueChangeFrom: overdueFrom },
    writes: [
      ...dossierWrites([...changed.values()], loaded),
      ...counterDeltaWrites(counterDeltas),
      ...indicatorDeltaWrites(indicatorDeltas),
      // The live snapshot's order (UnitSnapshot.version): a flush that read before this commits is older.
      ...(changedUnits.size > 0 ? [unitVersionsWrite([...changedUnits])] : []),
    ],
  };
}
