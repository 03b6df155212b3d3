import fc from 'fast-check';
import { checkEventRules } from '@tthc/domain';
import { decodeDossierEvent } from './decode-dossier-event';
import { decodeValidatedRecord, encodeValidatedEvent, encodeValidatedRecords } from './validated-event.codec';

const NOW = Date.UTC(2025, 6, 10, 3);
const rules = { isKnownUnit: () => true, now: NOW, maxFutureSkewMs: 300_000 };

/** Any code point, lone surrogates and controls included: what a source system might send. */
const anyText = (maxLength: number) =>
  fc.oneof(
    // Mostly plausible codes, so the accepting side is well exercised too.
    { arbitrary: fc.stringMatching(/^[0-9A-Za-z][0-9A-Za-z.-]{0,20}$/), weight: 4 },
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength }).map((codes) => String.fromCharCode(...codes)),
  );

const wireEvent = fc.record({
  eventId: fc.uuid(),
  schemaVersion: fc.constant(1),
  type: fc.constantFrom('RECEIVED', 'RESOLVED', 'LATE'),
  dossierId: anyText(70),
  unitCode: fc.oneof(fc.constantFrom('28756', 'STTTT.VLG'), anyText(34)),
  procedureCode: anyText(70),
  occurredAt: fc.date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2110, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString()),
  channel: fc.constantFrom('ONLINE', 'DIRECT'),
  dueAt: fc.date({ min: new Date(Date.UTC(1990, 0, 1)), max: new Date(Date.UTC(2110, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString()),
});

describe('the validated topic codec', () => {
  it('what ingest accepts, the aggregator decodes to the same event (no event ingest forwards can fail downstream)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(wireEvent, (wire) => {
        const decoded = decodeDossierEvent(Buffer.from(JSON.stringify(wire)));
        if (!decoded.ok || checkEventRules(decoded.event, rules)) return;
        accepted++;
        const again = decodeValidatedRecord(Buffer.from(encodeValidatedEvent(decoded.event)));
        expect(again).toEqual({ ok: true, events: [decoded.event] });
      }),
      { numRuns: 3000, seed: 20261130 },
    );
    // The generator must reach the accepting side often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(150);
  });

  it('what the aggregator refuses carries a reason and never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          fc.anything().map((v) => Buffer.from(JSON.stringify(v) ?? 'x')),
        ),
        (bytes) => {
          const decoded = decodeValidatedRecord(bytes);
          if (!decoded.ok) expect(decoded.rejection.detail).toMatch(/^validated topic: /);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps only the contract fields of a record', () => {
    const event = { eventId: '3f1c2b9e-8d4a-4c6f-9e21-5a7b8c9d0e1f', type: 'LATE', dossierId: 'd', unitCode: '28756', procedureCode: 'p', occurredAt: NOW, dueAt: NOW };
    const decoded = decodeValidatedRecord(Buffer.from(JSON.stringify({ ...event, injected: 'x' })));
    expect(decoded).toEqual({ ok: true, events: [event] });
  });

  const eventOf = (unitCode: string, i: number, dossierId = `d-${i}`) => ({
    eventId: `3f1c2b9e-8d4a-4c6f-9e21-${String(i).padStart(12, '0')}`,
    type: 'RECEIVED' as const,
    dossierId,
    unitCode,
    procedureCode: 'p',
    occurredAt: NOW + i,
    channel: 'ONLINE' as const,
    dueAt: NOW + 86_400_000,
  });

  it("bundles a batch per unit, keyed by the unit, each unit's events in their order, and decodes them back", () => {
    const events = [eventOf('A', 1), eventOf('B', 2), eventOf('A', 3), eventOf('C', 4), eventOf('A', 5)];
    const records = encodeValidatedRecords(events);
    expect(records.map((r) => [r.key, r.events])).toEqual([
      ['A', 3],
      ['B', 1],
      ['C', 1],
    ]);
    const back = records.map((r) => decodeValidatedRecord(Buffer.from(r.value)));
    expect(back).toEqual([
      { ok: true, events: [events[0], events[2], events[4]] },
      { ok: true, events: [events[1]] },
      { ok: true, events: [events[3]] },
    ]);
  });

  it("splits a unit's bundle below the byte limit without losing or reordering an event", () => {
    const events = Array.from({ length: 500 }, (_, i) => eventOf('A', i, `dossier-${'x'.repeat(i % 40)}-${i}`));
    const limit = 4_000;
    const records = encodeValidatedRecords(events, limit);
    expect(records.length).toBeGreaterThan(1);
    for (const r of records) expect(Buffer.byteLength(r.value)).toBeLessThanOrEqual(limit);
    const back = records.flatMap((r) => {
      const d = decodeValidatedRecord(Buffer.from(r.value));
      return d.ok ? d.events : [];
    });
    expect(back).toEqual(events);
  });

  it('refuses a whole bundle when one of its events breaks the contract, naming which one', () => {
    const bad = { ...eventOf('A', 2), dossierId: 'nul\u0000' };
    const decoded = decodeValidatedRecord(Buffer.from(JSON.stringify([eventOf('A', 1), bad, eventOf('A', 3)])));
    expect(decoded).toEqual({ ok: false, rejection: { code: 'CONTROL_CHARACTER', detail: expect.stringMatching(/^validated topic: event 2 of 3: /) } });
    expect(decodeValidatedRecord(Buffer.from('[]'))).toEqual({ ok: false, rejection: { code: 'MALFORMED_JSON', detail: 'validated topic: empty bundle' } });
  });
});
