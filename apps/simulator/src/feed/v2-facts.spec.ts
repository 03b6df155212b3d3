import { loadUnitCatalogue } from '@tthc/catalogue';
import { decodeDossierEvent } from '@tthc/contracts';
import { V1_EVENT_TYPES, startOfLocalDay } from '@tthc/domain';
import { DossierFeed, type FeedEvent } from './dossier-feed';
import { DAY_MS } from './local-time';
import { PROVINCIAL_CENTRE_TYPE } from './unit-profiles';

const units = loadUnitCatalogue('86');
const JULY_1 = startOfLocalDay('2025-07-01');

function run(feed: DossierFeed, days: number): FeedEvent[] {
  const out: FeedEvent[] = [];
  for (let t = JULY_1; t < JULY_1 + days * DAY_MS; t += DAY_MS) out.push(...feed.eventsBetween(t, t + DAY_MS));
  return out;
}

/** The v1 content of an event: what a v1 source would have sent for the same fact. */
const v1View = (e: FeedEvent) => {
  const { eventId, type, dossierId, unitCode, procedureCode, occurredAt, channel, dueAt } = e.value;
  return { eventId, type, dossierId, unitCode, procedureCode, occurredAt, channel, dueAt, at: e.at };
};
const isV1Type = (e: FeedEvent) => (V1_EVENT_TYPES as readonly string[]).includes(e.value.type);

describe('DossierFeed, contract v2 (issue 15)', () => {
  let v1: FeedEvent[];
  let v2: FeedEvent[];
  let mixed: FeedEvent[];
  let mixedFeed: DossierFeed;
  beforeAll(() => {
    v1 = run(new DossierFeed({ seed: 86, units, v2Share: 0 }), 5);
    v2 = run(new DossierFeed({ seed: 86, units, v2Share: 1 }), 5);
    mixedFeed = new DossierFeed({ seed: 86, units, v2Share: 0.5 });
    mixed = run(mixedFeed, 5);
  });

  it('a v2 feed carries exactly the v1 facts of the v1 feed (ids, times, channels), plus v2 fields and events', () => {
    expect(v1.every((e) => e.value.schemaVersion === 1 && isV1Type(e))).toBe(true);
    // Compared as JSON lines: one string comparison instead of a deep walk of 40k objects.
    const lines = (es: FeedEvent[]) => es.map((e) => JSON.stringify(v1View(e))).join('\n');
    expect(lines(v2.filter(isV1Type)) === lines(v1)).toBe(true);
    expect(lines(mixed.filter(isV1Type)) === lines(v1)).toBe(true);
    expect(v2.length).toBeGreaterThan(v1.length);
  });

  it('every event of a v2 feed passes the contract, and a mixed feed keeps each unit on one version', () => {
    const refused = v2.map((e) => decodeDossierEvent(Buffer.from(JSON.stringify(e.value)))).filter((d) => !d.ok);
    expect(refused.slice(0, 3)).toEqual([]);
    const versions = new Map<string, Set<number>>();
    for (const e of mixed) versions.set(e.value.unitCode, (versions.get(e.value.unitCode) ?? new Set()).add(e.value.schemaVersion));
    expect([...versions.values()].every((s) => s.size === 1)).toBe(true);
    const v2Units = [...versions.entries()].filter(([, s]) => s.has(2)).length;
    // 125 units at a share of 0.5: binomial, 4 standard deviations either side.
    expect(v2Units).toBeGreaterThan(125 * 0.5 - 4 * Math.sqrt(125 * 0.25));
    expect(v2Units).toBeLessThan(125 * 0.5 + 4 * Math.sqrt(125 * 0.25));
    expect(units.filter((u) => mixedFeed.isV2Unit(u.code)).length).toBe(v2Units);
  });

  it('emits v2 facts in the stated proportions', () => {
    const by = (type: string) => v2.filter((e) => e.value.type === type);
    const receipts = by('RECEIVED');
    const online = receipts.filter((e) => e.value.channel === 'ONLINE');
    const fully = receipts.filter((e) => e.value.fullyOnline);
    // Only an online submission is fully online; about half to two thirds of them are.
    expect(fully.every((e) => e.value.channel === 'ONLINE')).toBe(true);
    expect(fully.length / online.length).toBeGreaterThan(0.48);
    expect(fully.length / online.length).toBeLessThan(0.62);
    const resolutions = by('RESOLVED');
    const electronic = resolutions.filter((e) => e.value.resultElectronic).length / resolutions.length;
    expect(electronic).toBeGreaterThan(0.2);
    expect(electronic).toBeLessThan(0.45);
    // Results digitised: 60–100% per unit, by level (the province's 2024 figure).
    const perUnit = new Map<string, { n: number; d: number }>();
    for (const e of resolutions) {
      const u = perUnit.get(e.value.unitCode) ?? { n: 0, d: 0 };
      u.n++;
      if (e.value.resultDigitized) u.d++;
      perUnit.set(e.value.unitCode, u);
    }
    const centre = units.find((u) => u.divisionType === PROVINCIAL_CENTRE_TYPE)!.code;
    for (const [unit, { n, d }] of perUnit) {
      if (n < 200) continue; // too few to judge a share
      expect(d / n).toBeGreaterThan(unit === centre ? 0.85 : 0.5);
    }
    const paid = by('PAID');
    expect(paid.length / receipts.length).toBeGreaterThan(0.35);
    expect(paid.length / receipts.length).toBeLessThan(0.45);
    const channelOf = new Map(receipts.map((r) => [r.key, r.value.channel]));
    expect(paid.filter((e) => e.value.method === 'ONLINE').every((e) => channelOf.get(e.key) === 'ONLINE')).toBe(true);
    const rated = by('RATED');
    expect(rated.length / resolutions.length).toBeGreaterThan(0.15);
    expect(rated.length / resolutions.length).toBeLessThan(0.25);
    expect(rated.every((e) => Number.isInteger(e.value.score) && e.value.score! >= 1 && e.value.score! <= 5)).toBe(true);
    expect(by('FEEDBACK_RECEIVED').length).toBeGreaterThan(0);
    expect(by('WITHDRAWN').length).toBeGreaterThan(0);
    // A withdrawn dossier is one that is never resolved.
    const resolvedKeys = new Set(resolutions.map((e) => e.key));
    expect(by('WITHDRAWN').every((e) => !resolvedKeys.has(e.key))).toBe(true);
  });
});
