import type { DossierEvent } from './dossier-event';
import { checkEventRules, type EventRuleContext } from './event-rules';
import type { RejectionCode } from './rejection';

const NOW = Date.UTC(2025, 6, 10, 3, 0, 0); // 2025-07-10T10:00:00+07:00
const SKEW = 5 * 60_000;
const HOUR = 3_600_000;
const KNOWN = new Set(['28756', '28777', 'STTTT']);
const YEAR_0 = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(0);

const ctx: EventRuleContext = { isKnownUnit: (u) => KNOWN.has(u), now: NOW, maxFutureSkewMs: SKEW };

function event(overrides: Partial<DossierEvent>): DossierEvent {
  return {
    eventId: '3f1c2b9e-8d4a-4c6f-9e21-5a7b8c9d0e1f',
    type: 'RECEIVED',
    dossierId: 'H59.28756-250710-0001',
    unitCode: '28756',
    procedureCode: '1.001612',
    occurredAt: NOW - 2 * HOUR,
    channel: 'ONLINE',
    dueAt: NOW + 72 * HOUR,
    ...overrides,
  };
}

describe('checkEventRules', () => {
  it.each<[string, Partial<DossierEvent>, RejectionCode | undefined]>([
    ['a valid RECEIVED', {}, undefined],
    ['a valid province-level unit', { unitCode: 'STTTT' }, undefined],
    ['a valid RESOLVED', { type: 'RESOLVED', channel: undefined }, undefined],
    ['a valid LATE', { type: 'LATE', channel: undefined, dueAt: NOW - 5 * HOUR }, undefined],
    ['an unknown unit', { unitCode: '99999' }, 'UNKNOWN_UNIT'],
    ['an unknown unit differing only in case', { unitCode: 'stttt' }, 'UNKNOWN_UNIT'],
    ['RECEIVED with dueAt 1 ms before the receipt', { dueAt: NOW - 2 * HOUR - 1 }, 'DUE_BEFORE_RECEIPT'],
    ['RECEIVED with dueAt a day before the receipt', { dueAt: NOW - 26 * HOUR }, 'DUE_BEFORE_RECEIPT'],
    ['RECEIVED with dueAt equal to the receipt', { dueAt: NOW - 2 * HOUR }, undefined],
    ['RESOLVED with dueAt before occurredAt (a late resolution)', { type: 'RESOLVED', channel: undefined, dueAt: NOW - 26 * HOUR }, undefined],
    ['LATE with dueAt before occurredAt', { type: 'LATE', channel: undefined, dueAt: NOW - 26 * HOUR }, undefined],
    ['occurredAt exactly now', { occurredAt: NOW }, undefined],
    ['occurredAt ahead of now but within the skew', { occurredAt: NOW + SKEW - 1 }, undefined],
    ['occurredAt exactly at the skew limit', { occurredAt: NOW + SKEW }, undefined],
    ['occurredAt 1 ms beyond the skew', { occurredAt: NOW + SKEW + 1 }, 'OCCURRED_IN_FUTURE'],
    ['occurredAt a day in the future', { occurredAt: NOW + 24 * HOUR }, 'OCCURRED_IN_FUTURE'],
    ['RESOLVED in the future', { type: 'RESOLVED', channel: undefined, occurredAt: NOW + HOUR }, 'OCCURRED_IN_FUTURE'],
    ['occurredAt long in the past (late arrival is fine)', { occurredAt: NOW - 400 * 24 * HOUR, dueAt: NOW - 390 * 24 * HOUR }, undefined],
    // Issue 9: instants PostgreSQL cannot store (year 0) or no dossier can have are refused before storage.
    ['occurredAt in year 0', { occurredAt: YEAR_0, dueAt: NOW }, 'INSTANT_OUT_OF_RANGE'],
    ['dueAt in year 0 (before the receipt too: the window is checked first)', { dueAt: YEAR_0 }, 'INSTANT_OUT_OF_RANGE'],
    ['occurredAt 1 ms before 2000-01-01 local time', { occurredAt: Date.UTC(1999, 11, 31, 17) - 1, dueAt: NOW }, 'INSTANT_OUT_OF_RANGE'],
    ['occurredAt at 2000-01-01 00:00 local time', { occurredAt: Date.UTC(1999, 11, 31, 17), dueAt: NOW }, undefined],
    ['dueAt at 2100-01-01 00:00 local time', { dueAt: Date.UTC(2099, 11, 31, 17) }, 'INSTANT_OUT_OF_RANGE'],
    ['dueAt 1 ms before 2100-01-01 local time', { dueAt: Date.UTC(2099, 11, 31, 17) - 1 }, undefined],
    ['dueAt in year 9999', { dueAt: Date.UTC(9999, 11, 31) }, 'INSTANT_OUT_OF_RANGE'],
  ])('%s → %s', (_name, overrides, expected) => {
    expect(checkEventRules(event(overrides), ctx)?.code).toBe(expected);
  });

  it('returns undefined (not a rejection object) for a valid event', () => {
    expect(checkEventRules(event({}), ctx)).toBeUndefined();
  });

  it.each<[string, Partial<DossierEvent>, RejectionCode, RegExp]>([
    ['UNKNOWN_UNIT names the unit', { unitCode: '99999' }, 'UNKNOWN_UNIT', /99999/],
    [
      'DUE_BEFORE_RECEIPT names both instants',
      { dueAt: Date.UTC(2025, 6, 9, 0, 0), occurredAt: Date.UTC(2025, 6, 9, 1, 0) },
      'DUE_BEFORE_RECEIPT',
      /dueAt 2025-07-09T00:00:00\.000Z.*occurredAt 2025-07-09T01:00:00\.000Z/,
    ],
    ['OCCURRED_IN_FUTURE names the instant', { occurredAt: Date.UTC(2025, 6, 11, 0, 0), dueAt: Date.UTC(2025, 6, 12) }, 'OCCURRED_IN_FUTURE', /2025-07-11T00:00:00\.000Z/],
  ])('%s', (_name, overrides, code, detail) => {
    const rejection = checkEventRules(event(overrides), ctx);
    expect(rejection).toEqual({ code, detail: expect.stringMatching(detail) });
  });

  it('reports the unknown unit first when several rules are broken', () => {
    const rejection = checkEventRules(event({ unitCode: '00000', dueAt: NOW - 48 * HOUR, occurredAt: NOW + 24 * HOUR }), ctx);
    expect(rejection?.code).toBe('UNKNOWN_UNIT');
  });

  it('uses the injected clock, not the real one', () => {
    const farPast: EventRuleContext = { ...ctx, now: Date.UTC(2000, 0, 1) };
    expect(checkEventRules(event({}), farPast)?.code).toBe('OCCURRED_IN_FUTURE');
  });
});
