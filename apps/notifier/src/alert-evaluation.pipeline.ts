import { Inject, Injectable } from '@nestjs/common';
import type { AlertMessage, UnitSnapshot } from '@tthc/contracts';
import type { AlertRule } from '@tthc/domain';
import { CLOCK, type Clock, LOGGER, UnitDirectory } from '@tthc/infrastructure';
import type { Logger } from '@tthc/platform';
import { ALERT_RULES } from './alert-rules.token';
import { AlertLogRecorder } from './evaluation/alert-log.recorder';
import { AlertOutboxPublisher } from './evaluation/alert-outbox.publisher';
import { HeldSnapshots } from './evaluation/held-snapshots';
import { figureNeeds, observeSubjects } from './evaluation/observation.stage';
import { ruleSubjects } from './evaluation/rule-subjects.stage';
import { type FigureSources, UnitFiguresReader } from './evaluation/unit-figures.reader';

/**
 * The notifier's evaluation, as a pipeline of small stages in the manner of Alertmanager's
 * (notify/notify.go): read the subjects (rule-subjects.stage) → read their figures, from the
 * snapshots where they carry the window (unit-figures.reader) → observe (observation.stage) →
 * decide and record, under the alert-log lock (decision.stage, alert-log.recorder) → publish from
 * the log, an outbox, one message per transition on `tthc.alerts` (alert-outbox.publisher) →
 * group, one message per rule per interval for the webhooks (alert-group.notifier, on its own
 * timer) → deliver them (webhook-delivery.worker, on its own timer). This class only runs the stages in order, one evaluation at a time in this
 * process; across instances the alert-log and publisher locks serialise.
 */
@Injectable()
export class AlertEvaluationPipeline {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly held = new HeldSnapshots();
  // Whether the clock tick judges on earlier store reads: only once this member is known to hold every partition.
  private reuseStoreReads = false;

  constructor(
    @Inject(ALERT_RULES) private readonly rules: AlertRule[],
    private readonly units: UnitDirectory,
    private readonly figures: UnitFiguresReader,
    private readonly recorder: AlertLogRecorder,
    private readonly outbox: AlertOutboxPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * After metric changes: the unit rules for the units of these snapshots (one partition's, in
   * offset order), each unit on its latest held one: a snapshot older than its unit's held one
   * (HeldSnapshots) is neither held nor judged. They are held for the clock tick.
   */
  evaluateSnapshots(partition: number, snapshots: readonly UnitSnapshot[]): Promise<AlertMessage[]> {
    const held = this.held.hold(
      partition,
      snapshots.filter((s) => this.units.has(s.unitCode)),
    );
    const known = new Map(held.map((s) => [s.unitCode, s]));
    return this.serialised(() => this.evaluate([...known.keys()], false, { snapshots: known }));
  }

  /**
   * After a group join: the snapshots of partitions this member no longer holds are not judged on.
   * `everyPartition`: it holds all of `tthc.metrics.units`, so every unit's snapshots reach it and
   * a window read from the store stays true until one says otherwise. While another member
   * receives some units' snapshots, a read of those units could go stale unseen here: none is
   * judged on again, and none made before this join either.
   */
  partitionsAssigned(partitions: readonly number[], everyPartition: boolean): void {
    this.held.keepPartitions(partitions);
    this.figures.forgetStoreReads();
    this.reuseStoreReads = everyPartition;
  }

  /**
   * On the clock tick: every unit and the province rules, each unit on its latest held snapshot
   * where that answers the window, else (while this member holds every partition) on what was
   * last read of it from the store if no snapshot made since says it changed; the store for the
   * rest, and for the overdue count.
   */
  evaluateAll(): Promise<AlertMessage[]> {
    return this.serialised(async () => {
      const started = performance.now();
      const readBefore = this.figures.unitsReadFromStore;
      const units = this.units.all().map((u) => u.code);
      const published = await this.evaluate(units, true, { snapshots: this.held.all(), overdueFromSnapshots: false, reuseStoreReads: this.reuseStoreReads });
      const fromStore = this.figures.unitsReadFromStore - readBefore;
      this.logger.debug({ units: units.length, fromStore, ms: Math.round(performance.now() - started) }, 'alert tick evaluated');
      return published;
    });
  }

  /** Publishes transitions written elsewhere (acknowledgements from the API) when there are any. */
  async publishBacklog(): Promise<AlertMessage[]> {
    if (!(await this.outbox.hasPending())) return [];
    return this.serialised(() => this.outbox.publishPending());
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async evaluate(unitCodes: string[], withProvince: boolean, sources: FigureSources): Promise<AlertMessage[]> {
    const now = this.clock.now();
    const subjects = ruleSubjects(this.rules, unitCodes, this.units, withProvince);
    let written = 0;
    if (subjects.length > 0) {
      const figures = await this.figures.read(unitCodes, figureNeeds(subjects, now), now, sources);
      written = await this.recorder.record(observeSubjects(subjects, figures, now), withProvince ? undefined : unitCodes, now);
    }
    if (written === 0 && !(await this.outbox.hasPending())) return [];
    return this.outbox.publishPending();
  }
}
