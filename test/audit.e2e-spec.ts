import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { replayPeriod } from '../apps/cli/src/audit/replay';
import { verifyCounters } from '../apps/cli/src/audit/verify';
import { zeroPeriodIndicatorCounts } from '@tthc/domain';
import { BACKFILL_INDICATORS_FROM_DOSSIERS, dataSourceOptions, storedIndicatorRows, sumIndicatorPeriods } from '@tthc/persistence';
import { PipelineHarness, eventually, fixedClock } from './support/pipeline-harness';
import { type V1Event, asMessage, asV2Message, received, resolved, v2Event } from './support/dossier-events';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

/** The auditor's tools on the real stack: verify proves counters follow from the raw log; replay rebuilds them. */
describe('verify and replay (real Kafka, PostgreSQL)', () => {
  let h: PipelineHarness;
  let ds: DataSource;
  const UNIT = '28858'; // Phường Phú Tân
  const FROM = '2025-07-01';
  const TO = '2025-07-31';

  /** 12 dossiers on 10–12 July (4 a day): 8 online (all four on 11 July), 4 direct; 9 resolved, 6 on time. */
  const stream: V1Event[] = [];
  for (let i = 0; i < 12; i++) {
    const day = `2025-07-${10 + (i % 3)}`;
    const due = `2025-07-${15 + (i % 3)}T17:00:00+07:00`;
    stream.push(received(UNIT, `a-${i}`, `${day}T08:00:00+07:00`, i % 3 === 2 ? 'DIRECT' : 'ONLINE', due));
    if (i < 9) stream.push(resolved(UNIT, `a-${i}`, i < 6 ? `${day}T15:00:00+07:00` : `2025-07-20T09:00:00+07:00`, due));
  }
  const counts = async () =>
    (await verifyCounters(ds, FROM, TO, [UNIT])).differences.length === 0
      ? (
          await ds.query(
            `SELECT sum(received_total)::int AS r, sum(received_online)::int AS o, sum(resolved_total)::int AS s, sum(resolved_on_time)::int AS t
             FROM unit_daily_counters WHERE unit_code = $1`,
            [UNIT],
          )
        )[0]
      : undefined;

  beforeAll(async () => {
    h = await PipelineHarness.create(fixedClock('2025-07-31T12:00:00+07:00'));
    await h.start('ingest', 'aggregator');
    ds = await new DataSource(dataSourceOptions(h.env.DATABASE_URL!, { schema: h.schema, poolSize: 4 })).initialize();
    await h.produce(stream.map(asMessage));
    await eventually(async () => expect(await counts()).toEqual({ r: 12, o: 8, s: 9, t: 6 }));
  });

  afterAll(async () => {
    await ds?.destroy();
    await h?.close();
  });

  it('verify finds the stored counters equal to a recount of the raw event log', async () => {
    const report = await verifyCounters(ds, FROM, TO);
    expect(report.differences).toEqual([]);
    // Receipts on 10, 11, 12 July; the deadlines of the six dossiers not resolved on time pass on
    // 15, 16, 17 July (overdue gauge +2 each); late resolutions on 20 July.
    expect(report.rowsCompared).toBe(7);
  });

  it('verify and replay cover the v2 indicator rows (issue 15): a tampered one is named and rebuilt', async () => {
    // June, another unit: outside the July period the other tests replay.
    const U2 = '29263';
    const J = (d: string, t = '08:00') => `2025-06-${d}T${t}:00+07:00`;
    const events = [
      v2Event('RECEIVED', U2, 'g-0', J('10'), J('14', '17:00'), { channel: 'ONLINE', fullyOnline: true, componentsDigitized: true }),
      v2Event('PAID', U2, 'g-0', J('10', '09:00'), J('14', '17:00'), { method: 'ONLINE' }),
      v2Event('RESOLVED', U2, 'g-0', J('12', '10:00'), J('14', '17:00'), { resultElectronic: true, resultDigitized: true, dataReused: false }),
      v2Event('RATED', U2, 'g-0', J('13'), J('14', '17:00'), { score: 5 }),
      received(U2, 'g-1', J('10'), 'DIRECT', J('14', '17:00')),
      resolved(U2, 'g-1', J('16'), J('14', '17:00')),
      v2Event('FEEDBACK_RECEIVED', U2, 'g-1', J('17'), J('20', '17:00')),
      v2Event('FEEDBACK_RESOLVED', U2, 'g-1', J('19'), J('20', '17:00')),
      v2Event('RECEIVED', U2, 'g-2', J('11'), J('15', '17:00'), { channel: 'DIRECT', fullyOnline: false, componentsDigitized: false }),
      // A later re-send of g-2's receipt under a new eventId, claiming full-online: the earlier one wins.
      v2Event('RECEIVED', U2, 'g-2', J('11', '09:00'), J('15', '17:00'), { channel: 'ONLINE', fullyOnline: true, componentsDigitized: true }),
      v2Event('WITHDRAWN', U2, 'g-2', J('12'), J('15', '17:00')),
    ];
    await h.produce(events.map(asV2Message));
    const june = async () => (await sumIndicatorPeriods(ds, { periods: [{ from: '2025-06-01', to: '2025-06-30' }], groupBy: 'unit', unitCodes: [U2] })).get(U2)?.[0];
    const H = 3_600_000;
    await eventually(async () =>
      expect(await june()).toEqual({
        ...zeroPeriodIndicatorCounts(),
        receivedTotal: 3,
        receivedOnline: 1,
        receivedDirect: 2,
        receivedV2: 2,
        fullyOnline: 1,
        componentsDigitized: 1,
        // g-0 on time and ahead (12 June, due 14 June), g-1 late; handled in 50 h and 6 days.
        resolvedTotal: 2,
        resolvedOnTime: 1,
        resolvedAhead: 1,
        resolvedLate: 1,
        handlingCount: 2,
        handlingMsSum: 50 * H + 6 * 24 * H,
        resolvedV2: 1,
        resultElectronic: 1,
        resultDigitized: 1,
        dataReused: 0,
        paidOnline: 1,
        ratedCount: 1,
        ratingSum: 5,
        ratedSatisfied: 1,
        feedbackReceived: 1,
        feedbackResolvedOnTime: 1,
        withdrawn: 1,
        // g-2 stays open (a withdrawal does not resolve it) and is past its deadline at the end of June.
        openAtEnd: 1,
        overdueAtEnd: 1,
      }),
    );
    const clean = await verifyCounters(ds, '2025-06-01', '2025-06-30', [U2]);
    expect(clean).toMatchObject({ differences: [], indicatorDifferences: [] });
    expect(clean.indicatorRowsCompared).toBeGreaterThanOrEqual(8);
    // The migration's backfill from the dossiers table rebuilds the very same rows.
    const before = await storedIndicatorRows(ds, '2025-01-01', '2025-12-31');
    await ds.transaction(async (tx) => {
      await tx.query(`DELETE FROM unit_procedure_daily_indicators`);
      await tx.query(BACKFILL_INDICATORS_FROM_DOSSIERS);
    });
    expect(await storedIndicatorRows(ds, '2025-01-01', '2025-12-31')).toEqual(before);

    await h.sql(`UPDATE unit_procedure_daily_indicators SET fully_online = fully_online + 1 WHERE unit_code = $1 AND day = '2025-06-11'`, [U2]);
    const tampered = await verifyCounters(ds, '2025-06-01', '2025-06-30', [U2]);
    expect(tampered.indicatorDifferences).toEqual([{ unitCode: U2, procedureCode: '1.001612', day: '2025-06-11', field: 'fullyOnline', expected: 0, actual: 1 }]);
    const replay = await replayPeriod(ds, h.env.AGGREGATOR_GROUP_ID!, '2025-06-01', '2025-06-30', [U2]);
    expect(replay.indicatorChanges).toEqual([{ unitCode: U2, procedureCode: '1.001612', day: '2025-06-11', field: 'fullyOnline', before: 1, after: 0 }]);
    expect(replay.dossiersChanged).toBe(0);
    expect(await verifyCounters(ds, '2025-06-01', '2025-06-30', [U2])).toMatchObject({ differences: [], indicatorDifferences: [] });
    expect(await replayPeriod(ds, h.env.AGGREGATOR_GROUP_ID!, '2025-06-01', '2025-06-30', [U2])).toMatchObject({
      dossiersChanged: 0,
      counterChanges: [],
      indicatorChanges: [],
      correctionsOutsidePeriod: 0,
    });
  });

  it('verify checks the open/overdue gauge changes too, and replay rebuilds them', async () => {
    await h.sql(`UPDATE unit_daily_counters SET overdue_change = overdue_change + 1 WHERE unit_code = $1 AND day = '2025-07-16'`, [UNIT]);
    const report = await verifyCounters(ds, FROM, TO);
    // Two dossiers received 11 July and due 16 July 17:00 fall overdue that evening: a-7 (resolved
    // late on 20 July) and a-10 (never resolved).
    expect(report.differences).toEqual([{ unitCode: UNIT, day: '2025-07-16', field: 'overdueChange', expected: 2, actual: 3 }]);
    const replay = await replayPeriod(ds, h.env.AGGREGATOR_GROUP_ID!, FROM, TO);
    expect(replay.counterChanges).toEqual([{ unitCode: UNIT, day: '2025-07-16', field: 'overdueChange', before: 3, after: 2 }]);
    expect((await verifyCounters(ds, FROM, TO)).differences).toEqual([]);
  });

  it('verify catches a tampered counter, names it, and the CLI exits non-zero', async () => {
    await h.sql(`UPDATE unit_daily_counters SET received_online = received_online + 5 WHERE unit_code = $1 AND day = '2025-07-11'`, [UNIT]);
    const report = await verifyCounters(ds, FROM, TO);
    expect(report.differences).toEqual([{ unitCode: UNIT, day: '2025-07-11', field: 'receivedOnline', expected: 4, actual: 9 }]);

    const env = { ...process.env, DATABASE_URL: `${h.env.DATABASE_URL}?options=-c%20search_path%3D${h.schema}`, TS_NODE_TRANSPILE_ONLY: '1' };
    const cli = ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(ROOT, 'apps/cli/src/main.ts'), 'verify', '--from', FROM, '--to', TO];
    await expect(run('node', cli, { env, cwd: ROOT })).rejects.toMatchObject({ code: 1 });

    const replay = await replayPeriod(ds, h.env.AGGREGATOR_GROUP_ID!, FROM, TO);
    expect(replay.counterChanges).toEqual([{ unitCode: UNIT, day: '2025-07-11', field: 'receivedOnline', before: 9, after: 4 }]);
    expect(replay.dossiersChanged).toBe(0);
    const { stdout } = await run('node', cli, { env, cwd: ROOT });
    expect(JSON.parse(stdout).differences).toEqual([]);
  });

  it('replay restores a dossier whose state was lost, consistently with its counters', async () => {
    // A lost update: a-0's resolution vanished from its dossier row and from the counters.
    await h.sql(`UPDATE dossiers SET resolved_at = NULL, resolved_event_id = NULL, resolution_due_at = NULL WHERE unit_code = $1 AND dossier_id = 'a-0'`, [UNIT]);
    await h.sql(`UPDATE unit_daily_counters SET resolved_total = resolved_total - 1, resolved_on_time = resolved_on_time - 1 WHERE unit_code = $1 AND day = '2025-07-10'`, [UNIT]);
    expect((await verifyCounters(ds, FROM, TO)).differences).toHaveLength(2);

    const replay = await replayPeriod(ds, h.env.AGGREGATOR_GROUP_ID!, FROM, TO);
    expect(replay.dossiersChanged).toBe(1);
    expect((await verifyCounters(ds, FROM, TO)).differences).toEqual([]);

    // The rebuilt state agrees with the counters: a redelivered RESOLVED for a-0 counts nothing.
    const again = stream.find((e) => e.dossierId === 'a-0' && e.type === 'RESOLVED')!;
    const marker = received(UNIT, 'marker-1', '2025-07-13T08:00:00+07:00', 'DIRECT', '2025-07-18T17:00:00+07:00');
    await h.produce([asMessage({ ...again }), asMessage(marker)]);
    await eventually(async () => expect(await counts()).toEqual({ r: 13, o: 8, s: 9, t: 6 }));
  });

  it('replays while events keep arriving, without double counting; a second replay changes nothing', async () => {
    const live = Array.from({ length: 200 }, (_, i) => received(UNIT, `live-${i}`, '2025-07-14T08:00:00+07:00', i % 2 ? 'ONLINE' : 'DIRECT', '2025-07-18T17:00:00+07:00'));
    const producing = (async () => {
      for (let i = 0; i < live.length; i += 20) await h.produce(live.slice(i, i + 20).map(asMessage));
    })();
    // The replay may well pick up events ingest logged before the aggregator applied them; it
    // then rebuilds their dossiers too, and the aggregator's later application is a no-op.
    await Promise.all([replayPeriod(ds, h.env.AGGREGATOR_GROUP_ID!, FROM, TO), producing]);

    await eventually(async () => expect(await counts()).toEqual({ r: 213, o: 108, s: 9, t: 6 }));
    const second = await replayPeriod(ds, h.env.AGGREGATOR_GROUP_ID!, FROM, TO);
    expect(second).toMatchObject({ dossiersChanged: 0, counterChanges: [], correctionsOutsidePeriod: 0 });
    expect(second.dossiersRebuilt).toBe(213);
  });
});
