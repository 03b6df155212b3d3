import { loadUnitCatalogue } from '@tthc/catalogue';
import { decodeDossierEvent } from '@tthc/contracts';
import { CHANNELS, addDays, localDayOf, startOfLocalDay } from '@tthc/domain';
import { DossierFeed, type FeedEvent } from './dossier-feed';
import { DAY_MS, HOUR_MS, MINUTE_MS, addWorkingDays, localDayIndex, localMinuteOfDay, weekdayOf } from './local-time';

const units = loadUnitCatalogue('86');
const unitCodes = new Set(units.map((u) => u.code));
const JULY_1 = startOfLocalDay('2025-07-01'); // a Tuesday

const UUID_V4_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LOCAL_ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/;
const DOSSIER_ID_RE = /^H86\.\d{2,5}-\d{6}-\d{6}$/;
const PROCEDURE_RE = /^\d\.\d{6}$/; // the national code shape (libs/domain PROCEDURE_CODE_PATTERN)

function run(feed: DossierFeed, from: number, days: number, windowMs = DAY_MS): FeedEvent[] {
  const out: FeedEvent[] = [];
  for (let t = from; t < from + days * DAY_MS; t += windowMs) {
    out.push(...feed.eventsBetween(t, Math.min(t + windowMs, from + days * DAY_MS)));
  }
  return out;
}

const localHm = (ms: number): number => localMinuteOfDay(ms);
const hm = (h: number, m = 0): number => h * 60 + m;

describe('DossierFeed', () => {
  // Two weeks from Tuesday 2025-07-01: 10 working days (Jul 1–4, 7–11, 14) and two Saturdays.
  let feed: DossierFeed;
  let events: FeedEvent[];
  let received: FeedEvent[];
  let receivedById: Map<string, FeedEvent>;

  beforeAll(() => {
    feed = new DossierFeed({ seed: 86, units });
    events = run(feed, JULY_1, 14);
    received = events.filter((e) => e.value.type === 'RECEIVED');
    receivedById = new Map(received.map((e) => [e.key, e]));
  });

  it('is deterministic: the same seed gives the same events, ids included', () => {
    const again = run(new DossierFeed({ seed: 86, units }), JULY_1, 3);
    const first = events.filter((e) => e.at < JULY_1 + 3 * DAY_MS);
    expect(again).toEqual(first);
    expect(again.length).toBeGreaterThan(10_000);
  });

  it('gives different events for a different seed', () => {
    const other = run(new DossierFeed({ seed: 87, units }), JULY_1, 1);
    const first = events.filter((e) => e.at < JULY_1 + DAY_MS);
    expect(other.length).toBeGreaterThan(0);
    expect(other.map((e) => e.value.eventId)).not.toEqual(first.map((e) => e.value.eventId));
    const ids = new Set(first.map((e) => e.value.eventId));
    expect(other.filter((e) => ids.has(e.value.eventId))).toHaveLength(0);
  });

  it('does not depend on how time is cut into windows', () => {
    const fine = run(new DossierFeed({ seed: 86, units }), JULY_1, 2, 7 * MINUTE_MS + 13_000);
    expect(fine).toEqual(events.filter((e) => e.at < JULY_1 + 2 * DAY_MS));
  });

  it('gives the same dossiers wherever it starts: a later start is a subset of an earlier one', () => {
    const laterStart = JULY_1 + DAY_MS + 10 * HOUR_MS; // Wednesday 10:00 local
    const late = run(new DossierFeed({ seed: 86, units }), laterStart, 3);
    const early = new Map(events.map((e) => [e.value.eventId, e]));
    expect(late.length).toBeGreaterThan(5_000);
    expect(late.filter((e) => JSON.stringify(early.get(e.value.eventId)) !== JSON.stringify(e)).slice(0, 3)).toEqual([]);
    expect(late.filter((e) => e.value.type === 'RECEIVED').every((e) => e.at >= laterStart)).toBe(true);
  });

  it('returns events in time order, each at its occurredAt, keyed by dossierId', () => {
    expect(events.filter((e, i) => i > 0 && e.at < events[i - 1].at)).toEqual([]);
    expect(events.filter((e) => e.key !== e.value.dossierId || Date.parse(e.value.occurredAt) !== e.at)).toEqual([]);
  });

  it('produces only events valid under the v1 contract', () => {
    expect(new Set(events.map((e) => e.value.eventId)).size).toBe(events.length);
    const problems = (v: FeedEvent['value']): string[] =>
      [
        UUID_V4_RE.test(v.eventId) || 'eventId',
        v.schemaVersion === 1 || 'schemaVersion',
        ['RECEIVED', 'RESOLVED', 'LATE'].includes(v.type) || 'type',
        (DOSSIER_ID_RE.test(v.dossierId) && v.dossierId.length <= 64) || 'dossierId',
        (unitCodes.has(v.unitCode) && v.dossierId.startsWith(`H86.${v.unitCode}-`)) || 'unitCode',
        PROCEDURE_RE.test(v.procedureCode) || 'procedureCode',
        LOCAL_ISO_RE.test(v.occurredAt) || 'occurredAt',
        LOCAL_ISO_RE.test(v.dueAt) || 'dueAt',
        (v.type === 'RECEIVED' ? CHANNELS.includes(v.channel as never) : !('channel' in v)) || 'channel',
      ].filter((p): p is string => p !== true);
    const bad = events.map((e) => ({ value: e.value, problems: problems(e.value) })).filter((b) => b.problems.length > 0);
    expect(bad.slice(0, 3)).toEqual([]);
  });

  it('passes the ingest decoder for every event', () => {
    const failures = events.map((e) => ({ e, decoded: decodeDossierEvent(Buffer.from(JSON.stringify(e.value))) })).filter(({ decoded }) => decoded.ok !== true);
    expect(failures.slice(0, 3)).toEqual([]);
  });

  it('receives dossiers only in office hours: Mon–Fri 07:30–11:30 and 13:30–17:00, Saturday morning', () => {
    const outside = received.filter((e) => {
      const wd = weekdayOf(localDayIndex(e.at));
      const m = localHm(e.at);
      const morning = m >= hm(7, 30) && m < hm(11, 30);
      const afternoon = m >= hm(13, 30) && m < hm(17);
      if (wd === 0) return true;
      if (wd === 6) return !morning;
      return !(morning || afternoon);
    });
    expect(outside.map((e) => e.value.occurredAt)).toEqual([]);
    const saturday = received.filter((e) => weekdayOf(localDayIndex(e.at)) === 6).length;
    const tuesday = received.filter((e) => localDayOf(e.at) === '2025-07-01').length;
    expect(saturday).toBeGreaterThan(0);
    expect(saturday / 2).toBeLessThan(tuesday / 3); // two Saturdays, light
  });

  it('sets deadlines N working days after receipt, at 17:00 local', () => {
    const wrong = received.filter((e) => {
      const receiptDay = localDayIndex(e.at);
      const dueDay = localDayIndex(Date.parse(e.value.dueAt));
      return e.value.dueAt.slice(11) !== '17:00:00+07:00' || ![1, 2, 3, 4, 5].includes(weekdayOf(dueDay)) || ![1, 3, 5, 7, 10, 15].some((k) => addWorkingDays(receiptDay, k) === dueDay);
    });
    expect(wrong.map((e) => e.value)).toEqual([]);
    const deadlines = new Set(received.map((e) => localDayIndex(Date.parse(e.value.dueAt)) - localDayIndex(e.at)));
    expect(deadlines.size).toBeGreaterThan(5);
  });

  it('resolves after receipt; mostly on time, some late; some never; LATE only after the deadline', () => {
    let onTime = 0;
    let late = 0;
    const inconsistent: FeedEvent[] = [];
    for (const e of events) {
      if (e.value.type === 'RECEIVED') continue;
      const r = receivedById.get(e.key); // no follow-up without its receipt
      const due = Date.parse(e.value.dueAt);
      if (!r || e.at < r.at || e.value.dueAt !== r.value.dueAt || e.value.procedureCode !== r.value.procedureCode || (e.value.type === 'LATE' && e.at <= due)) {
        inconsistent.push(e);
      }
      if (e.value.type === 'RESOLVED') {
        if (e.at <= due) onTime++;
        else late++;
      }
    }
    expect(inconsistent.slice(0, 3)).toEqual([]);
    expect(onTime / (onTime + late)).toBeGreaterThan(0.85);
    expect(onTime / (onTime + late)).toBeLessThan(0.97);
    expect(late).toBeGreaterThan(100);
    expect(events.some((e) => e.value.type === 'LATE')).toBe(true);
    // Never resolved: received in the first week, deadline passed, no RESOLVED in two weeks.
    const resolvedIds = new Set(events.filter((e) => e.value.type === 'RESOLVED').map((e) => e.key));
    const stale = received.filter((e) => e.at < JULY_1 + 3 * DAY_MS && Date.parse(e.value.dueAt) < JULY_1 + 7 * DAY_MS && !resolvedIds.has(e.key));
    expect(stale.length).toBeGreaterThan(0);
    expect(stale.length / received.length).toBeLessThan(0.02);
    // Each dossier has at most one event of each type.
    const perDossierType = new Set(events.map((e) => `${e.key}/${e.value.type}`));
    expect(perDossierType.size).toBe(events.length);
  });

  it('lands the province online share near 51.66%, with most units well below the 80% target', () => {
    const tenWorkingDays = received.filter((e) => e.at < startOfLocalDay(addDays('2025-07-01', 14)));
    const byUnit = new Map<string, { total: number; online: number }>();
    for (const e of tenWorkingDays) {
      const c = byUnit.get(e.value.unitCode) ?? { total: 0, online: 0 };
      c.total++;
      if (e.value.channel === 'ONLINE') c.online++;
      byUnit.set(e.value.unitCode, c);
    }
    const online = tenWorkingDays.filter((e) => e.value.channel === 'ONLINE').length;
    const share = online / tenWorkingDays.length;
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.58);
    expect(byUnit.size).toBe(units.length);
    const rates = [...byUnit.values()].map((c) => c.online / c.total);
    expect(rates.filter((r) => r < 0.8).length).toBeGreaterThanOrEqual(0.8 * units.length);
    expect(rates.filter((r) => r >= 0.8).length).toBeGreaterThanOrEqual(1);
  });

  it('spreads volume: the provincial centre ~15%, a phường busier than a xã on average', () => {
    const count = new Map<string, number>();
    for (const e of received) count.set(e.value.unitCode, (count.get(e.value.unitCode) ?? 0) + 1);
    expect((count.get('86') as number) / received.length).toBeGreaterThan(0.13);
    expect((count.get('86') as number) / received.length).toBeLessThan(0.17);
    const mean = (type: string): number => {
      const codes = units.filter((u) => u.divisionType === type).map((u) => count.get(u.code) ?? 0);
      return codes.reduce((a, b) => a + b, 0) / codes.length;
    };
    expect(mean('phường')).toBeGreaterThan(1.5 * mean('xã'));
  });

  it('is calibrated so that a 92-day quarter totals about 348k dossiers', () => {
    const q3Start = localDayIndex(startOfLocalDay('2025-07-01'));
    let expected = 0;
    for (let d = q3Start; d < q3Start + 92; d++) expected += feed.expectedDossiersOn(d);
    expect(expected).toBeGreaterThan(348_097 * 0.98);
    expect(expected).toBeLessThan(348_097 * 1.02);
    const perDay = received.length / 14;
    expect(perDay).toBeGreaterThan((348_097 / 92) * 0.95);
    expect(perDay).toBeLessThan((348_097 / 92) * 1.05);
  });

  it('keeps its pending queue bounded over a long run', () => {
    const long = new DossierFeed({ seed: 7, units, dossiersPerDay: 1_000 });
    const maxPendingPerDecade: number[] = [];
    for (let day = 0; day < 60; day++) {
      for (let h = 0; h < 24; h += 6) {
        const from = JULY_1 + day * DAY_MS + h * HOUR_MS;
        long.forEachEventBetween(from, from + 6 * HOUR_MS, () => undefined);
        const decade = Math.floor(day / 10);
        maxPendingPerDecade[decade] = Math.max(maxPendingPerDecade[decade] ?? 0, long.pendingSize);
      }
    }
    // Steady state: only open dossiers' follow-ups and today's receipts, a few days' volume.
    const steady = maxPendingPerDecade.slice(2);
    expect(Math.max(...steady)).toBeLessThan(8 * long.dossiersPerDay);
    expect(Math.max(...steady)).toBeLessThan(1.25 * Math.min(...steady));
  });

  it('rejects windows that are not contiguous or go backwards', () => {
    const f = new DossierFeed({ seed: 1, units });
    f.eventsBetween(JULY_1, JULY_1 + HOUR_MS);
    expect(() => f.eventsBetween(JULY_1, JULY_1 + 2 * HOUR_MS)).toThrow(RangeError);
    expect(() => f.eventsBetween(JULY_1 + 2 * HOUR_MS, JULY_1 + 3 * HOUR_MS)).toThrow(RangeError);
    expect(() => f.eventsBetween(JULY_1 + HOUR_MS, JULY_1)).toThrow(RangeError);
    expect(f.eventsBetween(JULY_1 + HOUR_MS, JULY_1 + HOUR_MS)).toEqual([]);
  });

  it('scales volume with dossiersPerDay, down to none', () => {
    expect(run(new DossierFeed({ seed: 86, units, dossiersPerDay: 0 }), JULY_1, 3)).toEqual([]);
    const small = run(new DossierFeed({ seed: 86, units, dossiersPerDay: 100 }), JULY_1, 7);
    const n = small.filter((e) => e.value.type === 'RECEIVED').length;
    expect(n).toBeGreaterThan(550);
    expect(n).toBeLessThan(850);
  });
});
