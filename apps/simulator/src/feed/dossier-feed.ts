import type { Channel, DossierEventType, PaymentMethod } from '@tthc/domain';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  SECOND_MS,
  type DayWindow,
  type Weekday,
  addOfficeTime,
  dayStartMs,
  deadlineFor,
  formatLocalIso,
  localDayIndex,
  officeTimeBetween,
  weekdayOf,
  yymmdd,
} from './local-time';
import { MinHeap } from './min-heap';
import { COMMUNE_PROCEDURES, PROVINCIAL_PROCEDURES, type ProcedureSpec, cumulativeWeights } from './procedures';
import { Prng } from './prng';
import { DEFAULT_PROFILE_TARGETS, PROVINCIAL_CENTRE_TYPE, type FeedUnit, type ProfileTargets, type UnitProfile, buildUnitProfiles } from './unit-profiles';
import { type V2Plan, type V2UnitRates, planV2, v2UnitRates } from './v2-facts';

/**
 * A synthetic stream of v1 dossier events for one province, calibrated on Vĩnh Long's published
 * figures (shared/data/README.md): ~348k dossiers a quarter, 51.66% of them online.
 *
 * Pure and framework-free: time comes in as arguments, randomness from the seed. Everything
 * about a local day (how many dossiers, where, when, their whole life: receipt, deadline,
 * resolution or not, LATE flag) is drawn from a sub-stream keyed by (seed, day), so the events
 * do not depend on how the time axis is cut into windows, nor on where the feed starts: two
 * feeds with the same seed produce the same events, event ids included, wherever they overlap.
 */

/** The event as it goes on the wire (PRODUCT.md, event contract; v2: docs/event-contract.md). */
export interface DossierEventJson {
  eventId: string;
  schemaVersion: 1 | 2;
  type: DossierEventType;
  dossierId: string;
  unitCode: string;
  procedureCode: string;
  occurredAt: string;
  channel?: Channel;
  dueAt: string;
  fullyOnline?: boolean;
  componentsDigitized?: boolean;
  resultElectronic?: boolean;
  resultDigitized?: boolean;
  dataReused?: boolean;
  method?: PaymentMethod;
  score?: number;
}

export interface FeedEvent {
  /** Kafka key: the dossierId. */
  key: string;
  value: DossierEventJson;
  /** When it should be produced, epoch ms (= its occurredAt). */
  at: number;
}

/** A dossier's whole simulated life, fixed when its day is planned. */
export interface PlannedDossier {
  dossierId: string;
  unitCode: string;
  procedureCode: string;
  channel: Channel;
  receivedAt: number;
  dueAt: number;
  /** Absent: never resolved (abandoned, or stuck beyond any horizon). */
  resolvedAt?: number;
  /** When the source flags it overdue (LATE event), if it does. */
  lateFlaggedAt?: number;
  /** What a v2 source says beyond v1 (absent from an "old" v1 source): see v2-facts.ts. */
  v2?: V2Plan;
}

export interface LifecycleParams {
  /** Share of dossiers never resolved. */
  neverResolvedShare: number;
  /** Of those, the share the source flags with a LATE event after the deadline. */
  lateFlagShareOfUnresolved: number;
  /** Of the dossiers resolved more than 4 hours late, the share flagged LATE before resolution. */
  lateFlagShareOfLateResolved: number;
  /** Mean delay past the deadline of a late resolution, in office time (7.5 h a working day). */
  meanLatenessOfficeMs: number;
  /** Longest such delay, in office time. */
  maxLatenessOfficeMs: number;
}

const OFFICE_DAY_MS = 7.5 * HOUR_MS;

export const DEFAULT_LIFECYCLE: LifecycleParams = {
  neverResolvedShare: 0.01,
  lateFlagShareOfUnresolved: 0.6,
  lateFlagShareOfLateResolved: 0.5,
  meanLatenessOfficeMs: 1.5 * OFFICE_DAY_MS,
  maxLatenessOfficeMs: 20 * OFFICE_DAY_MS,
};

/** Q3/2025 received 348,097 dossiers in 92 days: the average per calendar day. */
export const DEFAULT_DOSSIERS_PER_DAY = 348_097 / 92;

export interface DossierFeedOptions {
  seed: number;
  units: readonly FeedUnit[];
  /**
   * Average dossiers per calendar day, weekends included (default 348,097 / 92 ≈ 3,784, so a
   * 92-day quarter totals ≈ 348k). Working days get ~5,100, Saturday mornings ~1,000, Sundays none.
   */
  dossiersPerDay?: number;
  /** Province code used in dossier codes `H86.<unit>-<yymmdd>-<seq>` (default '86'). */
  provinceCode?: string;
  profileTargets?: Partial<ProfileTargets>;
  lifecycle?: Partial<LifecycleParams>;
  /**
   * Share of the units whose source system speaks contract v2 (issue 15); the others are "old"
   * sources and send v1 exactly as before. Default 0. The v1 facts do not depend on it.
   */
  v2Share?: number;
}

/** Relative volume by weekday (Sun … Sat): Monday peak, Friday lighter, Saturday morning only. */
const WEEKDAY_VOLUME: Record<Weekday, number> = { 0: 0, 1: 1.12, 2: 1.02, 3: 1.0, 4: 0.98, 5: 0.88, 6: 0.2 };
const WEEK_VOLUME = Object.values(WEEKDAY_VOLUME).reduce((a, b) => a + b, 0);

interface Segment extends DayWindow {
  intensity: number;
}

const hm = (h: number, m = 0): number => h * 60 + m;

/** When dossiers are received (tiếp nhận), Monday–Friday: office hours, busiest mid-morning. */
const WEEKDAY_RECEPTION: readonly Segment[] = [
  { startMin: hm(7, 30), endMin: hm(8), intensity: 0.7 },
  { startMin: hm(8), endMin: hm(9), intensity: 1.15 },
  { startMin: hm(9), endMin: hm(10), intensity: 1.3 },
  { startMin: hm(10), endMin: hm(11), intensity: 1.15 },
  { startMin: hm(11), endMin: hm(11, 30), intensity: 0.75 },
  { startMin: hm(13, 30), endMin: hm(14), intensity: 0.75 },
  { startMin: hm(14), endMin: hm(15), intensity: 1.1 },
  { startMin: hm(15), endMin: hm(16), intensity: 1.0 },
  { startMin: hm(16), endMin: hm(17), intensity: 0.7 },
];

/** Saturday: morning only. */
const SATURDAY_RECEPTION: readonly Segment[] = [
  { startMin: hm(7, 30), endMin: hm(8), intensity: 0.6 },
  { startMin: hm(8), endMin: hm(10), intensity: 1.0 },
  { startMin: hm(10), endMin: hm(11, 30), intensity: 0.7 },
];

/** The reception windows of a weekday (empty on Sunday). */
export function receptionWindows(weekday: Weekday): readonly DayWindow[] {
  return weekday === 0 ? [] : weekday === 6 ? SATURDAY_RECEPTION : WEEKDAY_RECEPTION;
}

interface SegmentTable {
  segments: readonly Segment[];
  cumulative: Float64Array;
}

function segmentTable(segments: readonly Segment[]): SegmentTable {
  return {
    segments,
    cumulative: cumulativeWeights(segments.map((s) => ({ weight: s.intensity * (s.endMin - s.startMin) }))),
  };
}

const RECEPTION_TABLES: Record<'weekday' | 'saturday', SegmentTable> = {
  weekday: segmentTable(WEEKDAY_RECEPTION),
  saturday: segmentTable(SATURDAY_RECEPTION),
};

interface PendingEvent {
  at: number;
  /** Insertion order: ties in `at` come out in the order they were scheduled. */
  seq: number;
  type: DossierEventType;
  eventId: string;
  dossier: PlannedDossier;
}

const pendingBefore = (a: PendingEvent, b: PendingEvent): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

const wholeSeconds = (ms: number): number => Math.round(ms / SECOND_MS) * SECOND_MS;

function toWire(p: PendingEvent): DossierEventJson {
  const d = p.dossier;
  const e: DossierEventJson = {
    eventId: p.eventId,
    schemaVersion: 1,
    type: p.type,
    dossierId: d.dossierId,
    unitCode: d.unitCode,
    procedureCode: d.procedureCode,
    occurredAt: formatLocalIso(p.at),
    // The channel belongs to the receipt only (PRODUCT.md, event contract).
    ...(p.type === 'RECEIVED' ? { channel: d.channel } : {}),
    dueAt: formatLocalIso(d.dueAt),
  };
  const v2 = d.v2;
  if (!v2) return e;
  e.schemaVersion = 2;
  switch (p.type) {
    case 'RECEIVED':
      return { ...e, fullyOnline: v2.fullyOnline, componentsDigitized: v2.componentsDigitized };
    case 'RESOLVED':
      return { ...e, resultElectronic: v2.resultElectronic, resultDigitized: v2.resultDigitized, dataReused: v2.dataReused };
    case 'PAID':
      return { ...e, method: v2.payment!.method };
    case 'RATED':
      return { ...e, score: v2.rating!.score };
    case 'FEEDBACK_RECEIVED':
    case 'FEEDBACK_RESOLVED':
      // A feedback carries its own deadline (issue 15).
      return { ...e, dueAt: formatLocalIso(v2.feedback!.dueAt) };
    default:
      return e;
  }
}

export class DossierFeed {
  readonly seed: number;
  readonly dossiersPerDay: number;
  readonly provinceCode: string;
  readonly lifecycle: LifecycleParams;
  private readonly unitProfiles: readonly UnitProfile[];
  private readonly unitCumulative: Float64Array;
  private readonly unitProcedures: readonly { list: readonly ProcedureSpec[]; cumulative: Float64Array }[];
  readonly v2Share: number;
  private readonly unitV2: readonly V2UnitRates[];
  private readonly pending = new MinHeap<PendingEvent>(pendingBefore);
  private seq = 0;
  /** Where the first window began: receipts before it are not part of this feed. */
  private origin: number | undefined;
  /** End of the last window served; the next window must start here. */
  private cursorMs: number | undefined;
  /** The next local day to plan. */
  private nextDay = 0;

  constructor(opts: DossierFeedOptions) {
    const dossiersPerDay = opts.dossiersPerDay ?? DEFAULT_DOSSIERS_PER_DAY;
    if (!(Number.isFinite(dossiersPerDay) && dossiersPerDay >= 0)) {
      throw new RangeError(`dossiersPerDay must be a finite number ≥ 0, got ${dossiersPerDay}`);
    }
    if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
    this.seed = opts.seed;
    this.dossiersPerDay = dossiersPerDay;
    this.provinceCode = opts.provinceCode ?? '86';
    this.lifecycle = { ...DEFAULT_LIFECYCLE, ...opts.lifecycle };
    this.unitProfiles = buildUnitProfiles(opts.seed, opts.units, { ...DEFAULT_PROFILE_TARGETS, ...opts.profileTargets });
    this.unitCumulative = cumulativeWeights(this.unitProfiles.map((p) => ({ weight: p.volumeShare })));
    const commune = { list: COMMUNE_PROCEDURES, cumulative: cumulativeWeights(COMMUNE_PROCEDURES) };
    const provincial = { list: PROVINCIAL_PROCEDURES, cumulative: cumulativeWeights(PROVINCIAL_PROCEDURES) };
    this.unitProcedures = this.unitProfiles.map((p) => (p.divisionType === PROVINCIAL_CENTRE_TYPE ? provincial : commune));
    const v2Share = opts.v2Share ?? 0;
    if (!(v2Share >= 0 && v2Share <= 1)) throw new RangeError(`v2Share must be in [0, 1], got ${v2Share}`);
    this.v2Share = v2Share;
    this.unitV2 = this.unitProfiles.map((p) => v2UnitRates(opts.seed, p.code, p.divisionType === PROVINCIAL_CENTRE_TYPE, v2Share));
  }

  /** Whether a unit's source speaks v2. */
  isV2Unit(unitCode: string): boolean {
    const i = this.unitProfiles.findIndex((p) => p.code === unitCode);
    return i >= 0 && this.unitV2[i].isV2;
  }

  /** Each unit's simulated behaviour (expected shares; observed ones vary around them). */
  get profiles(): readonly UnitProfile[] {
    return this.unitProfiles;
  }

  /** Events scheduled but not yet returned: follow-ups of open dossiers and today's later receipts. */
  get pendingSize(): number {
    return this.pending.size;
  }

  /** End of the last window served, or undefined before the first call. */
  get cursor(): number | undefined {
    return this.cursorMs;
  }

  /** Expected number of dossiers received on a local day. */
  expectedDossiersOn(dayIndex: number): number {
    return (this.dossiersPerDay * 7 * WEEKDAY_VOLUME[weekdayOf(dayIndex)]) / WEEK_VOLUME;
  }

  /**
   * Every event whose time falls in [fromMs, toMs), in time order: receipts in the window and
   * follow-ups (RESOLVED, LATE) of dossiers received since the first window. Windows must be
   * contiguous: the first one fixes where the feed starts, each next one begins where the
   * previous ended.
   */
  eventsBetween(fromMs: number, toMs: number): FeedEvent[] {
    const out: FeedEvent[] = [];
    this.forEachEventBetween(fromMs, toMs, (e) => out.push(e));
    return out;
  }

  /**
   * As eventsBetween, handing each event to `sink` instead of collecting them (long windows).
   * The sink also gets the planned dossier the event belongs to: file mode counts its ground
   * truth from that model, not from the wire events (issue 6).
   */
  forEachEventBetween(fromMs: number, toMs: number, sink: (event: FeedEvent, dossier: Readonly<PlannedDossier>) => void): void {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs < fromMs) {
      throw new RangeError(`invalid window [${fromMs}, ${toMs})`);
    }
    if (this.cursorMs === undefined) {
      this.origin = fromMs;
      this.nextDay = localDayIndex(fromMs);
    } else if (fromMs !== this.cursorMs) {
      throw new RangeError(`windows must be contiguous: the next one starts at ${this.cursorMs} (${formatLocalIso(this.cursorMs)}), not ${fromMs}`);
    }
    this.cursorMs = toMs;
    while (dayStartMs(this.nextDay) < toMs) this.planDay(this.nextDay++);
    for (let top = this.pending.peek(); top !== undefined && top.at < toMs; top = this.pending.peek()) {
      this.pending.pop();
      sink({ key: top.dossier.dossierId, value: toWire(top), at: top.at }, top.dossier);
    }
  }

  private schedule(at: number, type: DossierEventType, eventId: string, dossier: PlannedDossier): void {
    this.pending.push({ at, seq: this.seq++, type, eventId, dossier });
  }

  /**
   * Draws the whole day from its own sub-stream. Every dossier is drawn, even those before the
   * feed's origin (then discarded), so that dossier codes and ids do not depend on the origin.
   */
  private planDay(day: number): void {
    const mean = this.expectedDossiersOn(day);
    if (mean <= 0) return;
    const rng = new Prng(this.seed, 'day', day);
    const n = rng.poisson(mean);
    const table = weekdayOf(day) === 6 ? RECEPTION_TABLES.saturday : RECEPTION_TABLES.weekday;
    const base = dayStartMs(day);
    const unitOf = new Int32Array(n);
    const timeOf = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      unitOf[i] = rng.pickCumulative(this.unitCumulative);
      const s = table.segments[rng.pickCumulative(table.cumulative)];
      const second = s.startMin * 60 + Math.floor(rng.next() * (s.endMin - s.startMin) * 60);
      timeOf[i] = base + second * SECOND_MS;
    }
    // Dossier codes are numbered per unit in order of receipt.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => timeOf[a] - timeOf[b] || a - b);
    const seqOfUnit = new Int32Array(this.unitProfiles.length);
    const dateCode = yymmdd(day);
    const prefixOfUnit = this.unitProfiles.map((p) => `H${this.provinceCode}.${p.code}-${dateCode}-`);
    const origin = this.origin as number;
    // The v2 facts come from a stream of their own, so v1 draws are the same with or without them.
    const v2rng = this.v2Share > 0 ? new Prng(this.seed, 'v2', day) : undefined;
    for (const i of order) {
      const u = unitOf[i];
      const seq = ++seqOfUnit[u];
      // join() builds a flat string; a template literal would keep a rope alive in the queue.
      const dossierId = [prefixOfUnit[u], String(seq).padStart(6, '0')].join('');
      this.planDossier(rng, v2rng, day, u, dossierId, timeOf[i], timeOf[i] >= origin);
    }
  }

  private planDossier(rng: Prng, v2rng: Prng | undefined, day: number, u: number, dossierId: string, receivedAt: number, keep: boolean): void {
    const profile = this.unitProfiles[u];
    const life = this.lifecycle;
    const procedures = this.unitProcedures[u];
    const procedure = procedures.list[rng.pickCumulative(procedures.cumulative)];
    const dossier: PlannedDossier = {
      dossierId,
      unitCode: profile.code,
      procedureCode: procedure.code,
      channel: rng.chance(profile.onlineShare) ? 'ONLINE' : 'DIRECT',
      receivedAt,
      dueAt: deadlineFor(day, procedure.workingDays),
    };
    const receivedId = rng.uuidV4();
    let resolvedId: string | undefined;
    let lateId: string | undefined;

    if (rng.chance(life.neverResolvedShare)) {
      if (rng.chance(life.lateFlagShareOfUnresolved)) {
        dossier.lateFlaggedAt = dossier.dueAt + wholeSeconds(rng.between(HOUR_MS, 3 * DAY_MS));
        lateId = rng.uuidV4();
      }
    } else if (rng.chance(profile.onTimeShare)) {
      // Somewhere between receipt and deadline in office time, earlier more often than later.
      const allowed = officeTimeBetween(receivedAt, dossier.dueAt);
      const f = 0.02 + 0.98 * Math.pow(rng.next(), 1.6);
      const offset = Math.min(allowed, Math.max(MINUTE_MS, wholeSeconds(f * allowed)));
      dossier.resolvedAt = addOfficeTime(receivedAt, offset);
      resolvedId = rng.uuidV4();
    } else {
      const lateness = Math.min(life.maxLatenessOfficeMs, Math.max(15 * MINUTE_MS, wholeSeconds(rng.exponential(life.meanLatenessOfficeMs))));
      dossier.resolvedAt = addOfficeTime(dossier.dueAt, lateness);
      resolvedId = rng.uuidV4();
      const overdueFor = dossier.resolvedAt - dossier.dueAt;
      if (overdueFor > 4 * HOUR_MS && rng.chance(life.lateFlagShareOfLateResolved)) {
        dossier.lateFlaggedAt = dossier.dueAt + wholeSeconds(rng.between(5 * MINUTE_MS, Math.min(DAY_MS, overdueFor / 2)));
        lateId = rng.uuidV4();
      }
    }

    if (v2rng) {
      // Drawn for every dossier, kept or not, v2 unit or not: the stream stays aligned.
      const v2 = planV2(v2rng, this.unitV2[u], { online: dossier.channel === 'ONLINE', receivedAt, resolvedAt: dossier.resolvedAt });
      if (this.unitV2[u].isV2) dossier.v2 = v2;
    }

    if (!keep) return;
    this.schedule(receivedAt, 'RECEIVED', receivedId, dossier);
    if (lateId !== undefined) this.schedule(dossier.lateFlaggedAt as number, 'LATE', lateId, dossier);
    if (resolvedId !== undefined) this.schedule(dossier.resolvedAt as number, 'RESOLVED', resolvedId, dossier);
    const v2 = dossier.v2;
    if (!v2) return;
    if (v2.payment) this.schedule(v2.payment.at, 'PAID', v2.payment.eventId, dossier);
    if (v2.rating) this.schedule(v2.rating.at, 'RATED', v2.rating.eventId, dossier);
    if (v2.feedback) {
      this.schedule(v2.feedback.at, 'FEEDBACK_RECEIVED', v2.feedback.eventId, dossier);
      this.schedule(v2.feedback.resolvedAt, 'FEEDBACK_RESOLVED', v2.feedback.resolvedEventId, dossier);
    }
    if (v2.withdrawal) this.schedule(v2.withdrawal.at, 'WITHDRAWN', v2.withdrawal.eventId, dossier);
  }
}
