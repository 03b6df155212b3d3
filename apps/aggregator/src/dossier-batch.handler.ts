import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeValidatedEvent } from '@tthc/contracts';
import { CounterDeltaAccumulator, type DossierEvent, type DossierState, applyDossierEvent } from '@tthc/domain';
import { LOGGER, SETTINGS } from '@tthc/infrastructure';
import { type PartitionBatch, recordContext } from '@tthc/messaging';
import {
  type RejectedMessage,
  applyCounterDeltas,
  dossierKey,
  enterBatchGate,
  loadDossiers,
  lockNextOffset,
  recordNewRejections,
  saveDossiers,
  saveNextOffset,
} from '@tthc/persistence';
import type { Logger } from '@tthc/platform';
import type { AggregatorSettings } from './aggregator.settings';

/**
 * Folds a batch of validated events into dossier states and day counters.
 *
 * Exactly-once effect (PRODUCT.md): the dossier states, the counter deltas and the partition's
 * next offset are written in one transaction, through that transaction's own manager. The
 * offset row is locked first; messages below the stored offset were already applied (a
 * redelivery after a crash, or a zombie instance after a rebalance) and are skipped.
 * Returns the units whose figures may have changed.
 */
@Injectable()
export class DossierBatchHandler {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SETTINGS) private readonly settings: AggregatorSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async handle(batch: PartitionBatch): Promise<Set<string>> {
    const group = this.settings.AGGREGATOR_GROUP_ID;
    return this.dataSource.transaction(async (tx) => {
      await enterBatchGate(tx, group);
      const stored = await lockNextOffset(tx, group, batch.topic, batch.partition);
      const pending = stored === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) >= BigInt(stored));
      if (pending.length === 0) return new Set<string>();

      const events: DossierEvent[] = [];
      const undecodable: RejectedMessage[] = [];
      for (const m of pending) {
        try {
          events.push(decodeValidatedEvent(m.value!));
        } catch (error) {
          // Only ingest writes this topic; anything else on it is kept for inspection, not applied.
          const rejection = { code: 'MALFORMED_JSON' as const, detail: `validated topic: ${(error as Error).message.slice(0, 200)}` };
          undecodable.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, rejection, key: m.key, payload: m.value });
        }
      }

      const states = await loadDossiers(tx, events);
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

      await saveDossiers(tx, [...changed.values()]);
      await applyCounterDeltas(tx, acc.deltas());
      if (undecodable.length) {
        await recordNewRejections(tx, undecodable);
        const records = undecodable.slice(0, 20).map((u) => recordContext(batch.topic, u.partition, { offset: u.offset, key: u.key, value: u.payload }));
        this.logger.error({ topic: batch.topic, partition: batch.partition, count: undecodable.length, records }, 'undecodable messages on the validated topic');
      }
      await saveNextOffset(tx, group, batch.topic, batch.partition, batch.nextOffset);
      return new Set([...changed.values()].map((s) => s.unitCode));
    });
  }
}
