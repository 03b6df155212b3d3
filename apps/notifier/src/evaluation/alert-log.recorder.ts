import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { activeSilences, insertTransitions, loadLiveAlertsForUpdate, lockAlertLog, saveAlerts } from '@tthc/persistence';
import { decideAll } from './decision.stage';
import type { ObservedSubject } from './observation.stage';

/**
 * The record stage: one transaction per evaluation that holds the alert-log lock, reads the live
 * alerts of the subjects (locked) and the silences in force, decides (decision.stage.ts), and
 * writes the alerts and their transitions, unpublished: the outbox publishes them once this has
 * committed (alert-outbox.publisher.ts).
 */
@Injectable()
export class AlertLogRecorder {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * `unitCodes`: the units evaluated, whose live alerts are loaded; `undefined` for every unit
   * (the clock tick, which also judges province subjects). Returns how many transitions it wrote.
   */
  async record(subjects: readonly ObservedSubject[], unitCodes: readonly string[] | undefined, now: number): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      await lockAlertLog(tx);
      const ruleIds = [...new Set(subjects.map((s) => s.rule.id))];
      const live = ruleIds.length === 0 ? [] : await loadLiveAlertsForUpdate(tx, ruleIds, unitCodes && [...unitCodes]);
      const decisions = decideAll(subjects, live, await activeSilences(tx, now), { now, newId: randomUUID });
      await saveAlerts(tx, decisions.alerts);
      return (await insertTransitions(tx, decisions.transitions)).length;
    });
  }
}
