import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type DeadLetter, decodeValidatedEvent, storageRejection } from '@tthc/contracts';
import { CounterDeltaAccumulator, type DossierEvent, type DossierState, IndicatorDeltaAccumulator, applyDossierEvent, indicatorChange } from '@tthc/domain';
import { DeadLetterWriter, LOGGER, SETTINGS } from '@tthc/infrastructure';
import { type PartitionBatch, recordContext } from '@tthc/messaging';
import { applyCounterDeltas, applyIndicatorDeltas, dossierKey, enterBatchGate, loadDossiers, lockNextOffset, saveDossiers, saveNextOffset } from '@tthc/persistence';
import type { Failure, Logger } from '@tthc/platform';
import type { AggregatorSettings } from './aggregator.settings';

/**
 * Folds a batch of validated events into dossier states and day counters.
 *
 * Exactly-once effect (PRODUCT.md): the dossier states, the unit counter deltas, the indicator
 * deltas per (unit, procedure, day) (issue 15) and the partition's next offset are written in one
 * transaction, through that transaction's own manager. The
 * offset row is locked first; messages below the stored offset were already applied (a
 * redelivery after a crash, or a zombie instance after a rebalance) and are skipped.
 * Returns the units whose figures may have changed.
 */
@Injectable()
export class DossierBatchHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterWriter,
    @Inject(SETTINGS) private readonly settings: AggregatorSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(batch: PartitionBatch): Promise<Set<string>> {
    const group = this.settings.AGGREGATOR_GROUP_ID;
    return this.dataSource.transaction(async (tx) => {
      // The batch's stored offset commits with its effects, so a commit PostgreSQL loses in a
      // crash (asynchronous commit: at most wal_writer_delay × 3) takes its offset with it and
      // the batch is applied again: no fsync wait per batch, and still exactly once (issue 12).
      await tx.query('SET LOCAL synchronous_commit TO off');
      await enterBatchGate(tx, group);
      const stored = await lockNextOffset(tx, group, batch.topic, batch.partition);
      const pending = stored === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) >= BigInt(stored));
      if (pending.length === 0) return new Set<string>();

      const events: DossierEvent[] = [];
      const refused: DeadLetter[] = [];
      for (const m of pending) {
        const decoded = decodeValidatedEvent(m.value);
        if (decoded.ok) events.push(decoded.event);
        else refused.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, rejection: decoded.rejection, key: m.key ?? null, payload: m.value ?? null });
      }

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

      await saveDossiers(tx, [...changed.values()]);
      await applyCounterDeltas(tx, acc.deltas());
      await applyIndicatorDeltas(tx, indicators.deltas());
      if (refused.length) {
        // Only ingest should write this topic: a record it would not have written is a defect upstream.
        const records = refused.slice(0, 20).map((r) => ({ ...recordContext(batch.topic, r.partition, { offset: r.offset, key: r.key, value: r.payload }), reason: r.rejection.code }));
        this.logger.error({ topic: batch.topic, partition: batch.partition, count: refused.length, records }, 'invalid records on the validated topic; dead-lettered');
        await this.deadLetters.write(tx, refused);
      }
      await saveNextOffset(tx, group, batch.topic, batch.partition, batch.nextOffset);
      return new Set([...changed.values()].map((s) => s.unitCode));
    });
  }

  /**
   * One record the database refused although it decoded (the batch consumer isolated it):
   * dead-lettered as STORAGE_REJECTED and the stored offset moved past it, in one transaction,
   * so the partition carries on and a redelivery finds it already handled.
   */
  async deadLetter(batch: PartitionBatch, failure: Failure): Promise<void> {
    const group = this.settings.AGGREGATOR_GROUP_ID;
    const m = batch.messages[0];
    await this.dataSource.transaction(async (tx) => {
      await enterBatchGate(tx, group);
      const stored = await lockNextOffset(tx, group, batch.topic, batch.partition);
      if (stored !== undefined && BigInt(stored) > BigInt(m.offset)) return;
      const dead: DeadLetter = { topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key ?? null, payload: m.value ?? null, ...storageRejection(failure) };
      await this.deadLetters.write(tx, [dead]);
      await saveNextOffset(tx, group, batch.topic, batch.partition, batch.nextOffset);
    });
  }
}
