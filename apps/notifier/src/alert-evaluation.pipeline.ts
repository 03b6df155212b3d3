import { Inject, Injectable } from '@nestjs/common';
import type { AlertMessage, UnitSnapshot } from '@tthc/contracts';
import type { AlertRule } from '@tthc/domain';
import { CLOCK, type Clock, UnitDirectory } from '@tthc/infrastructure';
import { ALERT_RULES } from './alert-rules.token';
import { AlertLogRecorder } from './evaluation/alert-log.recorder';
import { AlertOutboxPublisher } from './evaluation/alert-outbox.publisher';
import { figureNeeds, observeSubjects } from './evaluation/observation.stage';
import { ruleSubjects } from './evaluation/rule-subjects.stage';
import { UnitFiguresReader } from './evaluation/unit-figures.reader';

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

  constructor(
    @Inject(ALERT_RULES) private readonly rules: AlertRule[],
    private readonly units: UnitDirectory,
    private readonly figures: UnitFiguresReader,
    private readonly recorder: AlertLogRecorder,
    private readonly outbox: AlertOutboxPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** After metric changes: the unit rules for the units of these snapshots, on their figures. */
  evaluateSnapshots(snapshots: readonly UnitSnapshot[]): Promise<AlertMessage[]> {
    const known = new Map(snapshots.filter((s) => this.units.has(s.unitCode)).map((s) => [s.unitCode, s]));
    return this.serialised(() => this.evaluate([...known.keys()], false, known));
  }

  /** On the clock tick: every unit and the province rules, on the store's figures. */
  evaluateAll(): Promise<AlertMessage[]> {
    return this.serialised(() =>
      this.evaluate(
        this.units.all().map((u) => u.code),
        true,
      ),
    );
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

  private async evaluate(unitCodes: string[], withProvince: boolean, snapshots?: ReadonlyMap<string, UnitSnapshot>): Promise<AlertMessage[]> {
    const now = this.clock.now();
    const subjects = ruleSubjects(this.rules, unitCodes, this.units, withProvince);
    let written = 0;
    if (subjects.length > 0) {
      const figures = await this.figures.read(unitCodes, figureNeeds(subjects, now), now, snapshots);
      written = await this.recorder.record(observeSubjects(subjects, figures, now), withProvince ? undefined : unitCodes, now);
    }
    if (written === 0 && !(await this.outbox.hasPending())) return [];
    return this.outbox.publishPending();
  }
}
