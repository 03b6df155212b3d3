import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock, LOGGER, METRICS, PRODUCER, REDIS, SETTINGS, UnitDirectory } from '@tthc/infrastructure';
import { type LocalDate, type WindowCounts, addWindowCounts, localDayOf, zeroWindowCounts } from '@tthc/domain';
import { type LiveWindow, LiveMetricsStore, buildUnitSnapshot, liveWindows, snapshotFingerprint } from '@tthc/live-metrics';
import { sendSized } from '@tthc/messaging';
import type { AppMetrics } from '@tthc/observability';
import { type OverdueCount, countOverdueOpenWithNextCrossing, readUnitVersions, sumWindowCounts } from '@tthc/persistence';
import type { Logger } from '@tthc/platform';
import type { AggregatorSettings } from './aggregator.settings';
import { OverdueCounts } from './overdue-counts';
import { PastWindowSums, splitAtToday } from './past-window-sums';
import { RecomputePacer } from './recompute-pacer';
import { REFRESH_SLICES, nextRefreshSlice } from './refresh-slices';
import { UnitOwnership } from './unit-ownership';

/**
 * Keeps the live snapshot (Redis) and `tthc.metrics.units` in step with the counters.
 *
 * Batches only mark units dirty; a flush every LIVE_FLUSH_MS recomputes those units in one
 * query, so the cost is per flush, not per batch. A flush reads today's day rows and keeps each
 * unit's sums of the days before (PastWindowSums), rereading them only for a unit a batch wrote
 * a past day of: live traffic writes today, and a whole window's rows of every dirty unit were
 * most of a flush's cost. Likewise each unit's overdue-open count is kept until a batch changes a
 * dossier whose overdue state can differ from then on, or an open dossier crosses its deadline
 * (OverdueCounts) — then the unit is flushed at the next tick, events or not, so a dossier shows
 * as overdue within LIVE_FLUSH_MS of its deadline; re-reading every dirty unit's count at every
 * flush was most of a flush's cost after the window sums. While the aggregator is catching up on
 * a backlog, a flush also waits while the last one's queries say they would take more than
 * LIVE_FLUSH_MAX_DUTY_PERCENT of the time (RecomputePacer); live traffic is never held back.
 * Within every LIVE_REFRESH_MS each of this member's units (UnitOwnership: those of the
 * partitions it holds; every unit for a lone aggregator) is recomputed from every day, which
 * moves "today" past midnight and repairs what this process cannot see (an audit replay of past
 * days) or what a crash between a batch's commit and its flush left stale (the snapshot is
 * derived state, always recomputable from PostgreSQL): a tenth of them every
 * LIVE_REFRESH_MS / 10, recomputed by the next flush with the dirty ones. Recomputing every unit
 * at once read every day row of the province in one flush, and the live traffic's flushes waited
 * behind it (serialised): 420–820 ms after a quarter of history, and it grows with the units
 * (BENCHMARKS.md). Only snapshots that changed are published.
 *
 * Only the owner writes a unit's figures (UnitOwnership): a member that read a unit's day rows
 * before the owner's batch committed, and wrote after the owner's flush, put older figures over
 * newer ones. So a flush recomputes only this member's units; a group join forgets what was kept
 * of every unit (another member may have written it meanwhile) and recomputes every unit it now
 * owns from every day, and publishes them; nothing is this member's before its first join. When
 * Redis lost the snapshot (at start-up or later), every unit is rebuilt from PostgreSQL at once:
 * this member's own written and published, the others' written only where Redis has none.
 * A member learns of a join only when it sees it; until then it may still read a unit it no longer
 * owns, so each snapshot carries its unit's version read before its figures (UnitSnapshot.version)
 * and Redis refuses one below the version it holds; what Redis refused is not published.
 */
@Injectable()
export class LiveSnapshotPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private dirty = new Set<string>();
  private readonly lastPublished = new Map<string, string>();
  private flushTimer?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;
  private refreshCursor = 0;
  private running: Promise<void> = Promise.resolve();
  private readonly store: LiveMetricsStore;
  private readonly pacer: RecomputePacer;
  private readonly past = new PastWindowSums();
  private readonly overdue = new OverdueCounts();
  private readonly ownership = new UnitOwnership();
  /** Group joins so far: a recompute that spans one re-reads which units are its to write. */
  private joins = 0;
  @Inject(METRICS) private readonly metrics?: AppMetrics;

  constructor(
    private readonly dataSource: DataSource,
    private readonly units: UnitDirectory,
    @Inject(REDIS) redis: Redis,
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(SETTINGS) private readonly settings: AggregatorSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.store = new LiveMetricsStore(redis, settings.REDIS_KEY_PREFIX);
    this.pacer = new RecomputePacer(settings.LIVE_FLUSH_MAX_DUTY_PERCENT);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Nothing dirty and nothing owned yet: this rebuilds only a snapshot Redis lost. The units
    // this member owns are recomputed and published after its group join (partitionsAssigned).
    await this.serialised([]);
    this.flushTimer = setInterval(() => void this.flushDirty(), this.settings.LIVE_FLUSH_MS);
    this.refreshTimer = setInterval(() => this.refreshSlice(), this.settings.LIVE_REFRESH_MS / REFRESH_SLICES);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.refreshTimer);
    await this.flushNow();
  }

  private provinces(): string[] {
    return [...new Set(this.units.all().map((u) => u.provinceCode))];
  }

  /**
   * `behind`: the batch was fetched with more records already waiting (`fetchedBehind`).
   * `earliestDays`: per unit, the earliest day row the batch wrote; a day before today makes the
   * unit's past sums be read again (PastWindowSums). `overdueChangeFrom`: per unit, the instant
   * from which the batch can have changed its overdue count (OverdueCounts).
   */
  markDirty(units: Iterable<string>, behind = false, earliestDays?: ReadonlyMap<string, LocalDate>, overdueChangeFrom?: ReadonlyMap<string, number>): void {
    for (const u of units) this.dirty.add(u);
    for (const [unit, from] of overdueChangeFrom ?? []) this.overdue.changed(unit, from);
    if (earliestDays?.size) {
      const today = localDayOf(this.clock.now());
      for (const [unit, day] of earliestDays) this.past.invalidate(unit, day, today);
    }
    if (behind) this.pacer.behind(Date.now());
  }

  /**
   * The timer's flush: paced while catching up (RecomputePacer); the shutdown's never is. Units
   * whose kept overdue count lapsed (a deadline passed) are flushed too, events or not.
   */
  flushDirty(): Promise<void> {
    for (const unit of this.overdue.lapsed(this.clock.now())) this.dirty.add(unit);
    return this.pacer.ready(Date.now()) ? this.flushNow() : this.running;
  }

  private flushNow(): Promise<void> {
    if (this.dirty.size === 0) return this.running;
    const units = [...this.dirty];
    this.dirty = new Set();
    return this.serialised(units);
  }

  /** The next slice of this member's units (UnitOwnership) is recomputed from all its day rows at the next flush. */
  refreshSlice(): void {
    const next = nextRefreshSlice(this.ownedUnits(), this.refreshCursor);
    this.refreshCursor = next.cursor;
    for (const unit of next.slice) {
      this.past.forget(unit);
      this.overdue.forget(unit);
      this.dirty.add(unit);
    }
  }

  /**
   * After a group join: the units this member owns from now on (UnitOwnership), each recomputed
   * from every day at the next flush and published even if unchanged since this member last
   * published it, since another member may have written and published it meanwhile.
   */
  partitionsAssigned(partitions: readonly number[], partitionCount: number | undefined): void {
    this.ownership.assigned(partitions, partitionCount);
    this.joins++;
    this.past.forgetAll();
    this.overdue.forgetAll();
    this.lastPublished.clear();
    for (const unit of this.ownedUnits()) this.dirty.add(unit);
  }

  /** Every unit this member owns from every day, at once. */
  refreshOwnUnits(): Promise<void> {
    const units = this.ownedUnits();
    for (const unit of units) {
      this.past.forget(unit);
      this.overdue.forget(unit);
    }
    return this.serialised(units);
  }

  private ownedUnits(): string[] {
    return this.ownership.own(this.units.all().map((u) => u.code));
  }

  /**
   * One recompute at a time; a failed one puts its units back for the next flush, and counts
   * (`tthc_live_snapshot_updates_total`): a snapshot that stopped moving is only visible there
   * (deploy/prometheus, TthcLiveSnapshotFailing), since the batches go on committing.
   */
  private serialised(units: string[]): Promise<void> {
    this.running = this.running.then(() =>
      this.recompute(units).then(
        () => this.metrics?.liveSnapshotUpdates.inc({ outcome: 'published' }),
        (err) => {
          this.metrics?.liveSnapshotUpdates.inc({ outcome: 'failed' });
          this.markDirty(units);
          this.logger.warn({ err, units: units.length }, 'live snapshot update failed; will retry');
        },
      ),
    );
    return this.running;
  }

  /**
   * Each unit's window sums: its past days' from PastWindowSums where known, read where not, plus
   * today's rows, always read. The full refresh and a unit's turn in `refreshSlice` forgot the
   * past sums of their units, so those are read again.
   */
  private async windowSums(windows: LiveWindow[], today: LocalDate, unitCodes: string[]): Promise<Map<string, Map<string, WindowCounts>>> {
    const split = splitAtToday(windows, today);
    const known = new Map<string, Map<string, WindowCounts>>();
    for (const unit of unitCodes) {
      const past = this.past.get(unit, today);
      if (past) known.set(unit, past);
    }
    const unknown = unitCodes.filter((u) => !known.has(u));
    const generation = this.past.generation();
    const [read, todays] = await Promise.all([
      unknown.length && split.past.length ? sumWindowCounts(this.dataSource, split.past, unknown) : new Map<string, Map<string, WindowCounts>>(),
      sumWindowCounts(this.dataSource, [split.today], unitCodes),
    ]);
    this.past.store(generation, today, unknown, read);
    const sums = new Map<string, Map<string, WindowCounts>>();
    for (const unit of unitCodes) {
      const past = known.get(unit) ?? read.get(unit);
      const todayCounts = todays.get(unit)?.get(split.today.name);
      if (!past && !todayCounts) continue;
      sums.set(unit, new Map(windows.map((w) => [w.name, addWindowCounts(addWindowCounts(zeroWindowCounts(), past?.get(w.name) ?? {}), todayCounts ?? {})])));
    }
    return sums;
  }

  /**
   * Each unit's overdue-open count at `now`: kept where nothing can have changed it since it was
   * read (OverdueCounts: a receipt due next week does not, the clock passing a deadline or the
   * resolution of an overdue dossier does), read for the others. `read`: how many were read.
   */
  private async overdueCounts(now: number, unitCodes: string[]): Promise<{ counts: Map<string, number>; read: number }> {
    const counts = new Map<string, number>();
    const toRead: string[] = [];
    for (const unit of unitCodes) {
      const kept = this.overdue.get(unit, now);
      if (kept === undefined) toRead.push(unit);
      else counts.set(unit, kept);
    }
    if (toRead.length === 0) return { counts, read: 0 };
    this.overdue.beginCount();
    let read: Map<string, OverdueCount>;
    try {
      read = await countOverdueOpenWithNextCrossing(this.dataSource, new Date(now), toRead);
    } catch (err) {
      this.overdue.abortCount();
      throw err;
    }
    this.overdue.finishCount(toRead, now, read);
    for (const unit of toRead) counts.set(unit, read.get(unit)?.count ?? 0);
    return { counts, read: toRead.length };
  }

  /**
   * The dirty units this member owns (a unit dirtied before a join that handed it to another
   * member is that member's now). First checks the `complete` marker (LiveMetricsStore): Redis
   * restarted or flushed since the last rebuild means the snapshot is gone, and every unit is
   * rebuilt from PostgreSQL now, which marks it complete again (the api answers 503 "rebuilding"
   * meanwhile); the units other members own are written only where Redis has none, and not
   * published. Ownership is read again after the queries and before the send: a join while they
   * ran may have handed units to a member whose first recompute reads after this one did and
   * publishes before this one would (older figures after newer ones, seen in national runs with
   * a second aggregator joining, BENCHMARKS.md).
   */
  private async recompute(dirtyUnits: string[]): Promise<void> {
    let unitCodes = this.ownership.own(dirtyUnits);
    let complete = false;
    const lost = await this.store.incomplete(this.provinces());
    if (lost.length > 0) {
      this.logger.warn({ provinces: lost }, 'live snapshot missing in Redis (restarted or flushed?): rebuilding it from PostgreSQL');
      unitCodes = this.units.all().map((u) => u.code);
      complete = true;
    }
    if (unitCodes.length === 0) return;
    const now = this.clock.now();
    const windows = liveWindows(now);
    // Paced on PostgreSQL's part alone: the Redis write and the acknowledged send below are
    // waits, not the cost the pacing bounds.
    const queriedAt = Date.now();
    // The versions before the figures: a snapshot's version is then never above the state it
    // shows, and the owner's flush after a batch is above every read begun before that batch.
    const versions = await readUnitVersions(this.dataSource, unitCodes);
    let overdueMs = 0;
    const [sums, overdue] = await Promise.all([this.windowSums(windows, localDayOf(now), unitCodes), this.overdueCounts(now, unitCodes).finally(() => (overdueMs = Date.now() - queriedAt))]);
    const queried = Date.now();
    this.pacer.finished(queriedAt, queried);
    const snapshots = unitCodes.map((code) => buildUnitSnapshot(code, now, windows, sums.get(code), overdue.counts.get(code) ?? 0, versions.get(code) ?? 0));
    let joins = this.joins;
    let owned = new Set(this.ownership.own(unitCodes));
    // Redis refuses a unit's figures where it holds a higher version: another member (the new
    // owner after a join this one has not seen yet) read after a batch this read did not see.
    const { refused } = await this.store.write(
      snapshots.map((snapshot) => ({ provinceCode: this.units.get(snapshot.unitCode)?.provinceCode ?? 'unknown', snapshot, ifAbsent: !owned.has(snapshot.unitCode) })),
      { complete },
    );
    if (refused.length > 0) this.logger.info({ units: refused.length, examples: refused.slice(0, 5) }, 'live snapshot: Redis holds newer figures of these units; not written or published');
    const notWritten = new Set(refused);
    const written = Date.now();
    if (this.joins !== joins) {
      joins = this.joins;
      owned = new Set(this.ownership.own(unitCodes));
    }
    // Each fingerprint once: nationally a flush may carry 3,355 snapshots of ~2 KB.
    const changed = snapshots
      .filter((s) => owned.has(s.unitCode) && !notWritten.has(s.unitCode))
      .map((s) => ({ s, fingerprint: snapshotFingerprint(s) }))
      .filter(({ s, fingerprint }) => this.lastPublished.get(s.unitCode) !== fingerprint);
    if (changed.length === 0) return;
    // In requests below the broker's limit: a nation's flush is ~3,355 snapshots of ~2 KB, and one
    // request over `message.max.bytes` is refused whole, for every flush after it (its units are
    // marked dirty again), which is how the national runs published nothing (BENCHMARKS.md).
    await sendSized(
      this.producer,
      [{ topic: this.settings.TOPIC_UNIT_METRICS, messages: changed.map(({ s }) => ({ key: s.unitCode, value: JSON.stringify(s) })) }],
      this.settings.KAFKA_MAX_SEND_BYTES,
    );
    // A join during the send forgot what was published (partitionsAssigned): nothing to record.
    if (this.joins === joins) for (const { s, fingerprint } of changed) this.lastPublished.set(s.unitCode, fingerprint);
    this.logger.debug(
      { units: unitCodes.length, changed: changed.length, overdueRead: overdue.read, queryMs: queried - queriedAt, overdueMs, redisMs: written - queried, publishMs: Date.now() - written },
      'live snapshot recomputed',
    );
  }
}
