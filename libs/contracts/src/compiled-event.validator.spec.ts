import fc from 'fast-check';
import { fuzzInputs } from '../../../test/support/fuzz-inputs';
import { compiledShapeRejection } from './compiled-event.validator';
import { type Decoded, decodeDossierEvent, dtoShapeRejection } from './decode-dossier-event';
import { dossierEventSchema } from './dossier-event-v1.schema';

/**
 * Issue 12: the Kafka hot path checks the contract with a validator compiled from its JSON
 * Schema, which is generated from the DTO. Held to the DTO's class-validator rules here: on the
 * pipeline's fuzz corpus and on arbitrary edits of a valid event, both give the same verdict,
 * the same reason code and the same event.
 */
const verdict = (d: Decoded) => (d.ok ? { ok: true, event: d.event } : { ok: false, code: d.rejection.code });
const both = (bytes: Buffer) => ({ compiled: verdict(decodeDossierEvent(bytes, 16_384, compiledShapeRejection)), dto: verdict(decodeDossierEvent(bytes, 16_384, dtoShapeRejection)) });

const VALID = {
  eventId: '3F1C2B9E-8D4A-4C6F-9E21-5A7B8C9D0E1F',
  schemaVersion: 1,
  type: 'RECEIVED',
  dossierId: 'H59.28756-250701-0001',
  unitCode: '28756',
  procedureCode: '1.001612',
  occurredAt: '2025-07-01T08:30:00+07:00',
  channel: 'ONLINE',
  dueAt: '2025-07-05T17:00:00+07:00',
};

/** The v2 fields (issue 15), and a valid v2 event of each type. */
const V2_EXTRAS = { fullyOnline: true, componentsDigitized: false, resultElectronic: true, resultDigitized: true, dataReused: false, method: 'ONLINE', score: 4 };
const { channel: _channel, ...NO_CHANNEL } = VALID;
const V2_VALID: Record<string, unknown>[] = [
  { ...VALID, schemaVersion: 2, fullyOnline: true, componentsDigitized: false },
  { ...NO_CHANNEL, schemaVersion: 2, type: 'RESOLVED', resultElectronic: true, resultDigitized: true, dataReused: false },
  { ...NO_CHANNEL, schemaVersion: 2, type: 'LATE' },
  { ...NO_CHANNEL, schemaVersion: 2, type: 'PAID', method: 'COUNTER' },
  { ...NO_CHANNEL, schemaVersion: 2, type: 'RATED', score: 5 },
  { ...NO_CHANNEL, schemaVersion: 2, type: 'FEEDBACK_RECEIVED' },
  { ...NO_CHANNEL, schemaVersion: 2, type: 'FEEDBACK_RESOLVED' },
  { ...NO_CHANNEL, schemaVersion: 2, type: 'WITHDRAWN' },
];

describe('the compiled contract validator agrees with the DTO', () => {
  it('accepts every v2 example, and a v1 event keeps its v1 form whatever v2 fields it carries', () => {
    for (const e of V2_VALID) expect(both(Buffer.from(JSON.stringify(e)))).toEqual({ compiled: expect.objectContaining({ ok: true }), dto: expect.objectContaining({ ok: true }) });
    const v1 = decodeDossierEvent(Buffer.from(JSON.stringify({ ...VALID, fullyOnline: 'yes', score: 42 })));
    expect(v1).toEqual({ ok: true, event: expect.not.objectContaining({ schemaVersion: expect.anything() }) });
    expect(
      v1.ok &&
        Object.keys(v1.event)
          .filter((k) => (v1.event as unknown as Record<string, unknown>)[k] !== undefined)
          .sort(),
    ).toEqual(['eventId', 'type', 'dossierId', 'unitCode', 'procedureCode', 'occurredAt', 'channel', 'dueAt'].sort());
    const v2 = decodeDossierEvent(Buffer.from(JSON.stringify(V2_VALID[0])));
    expect(v2).toEqual({ ok: true, event: expect.objectContaining({ schemaVersion: 2, fullyOnline: true, componentsDigitized: false }) });
  });

  it.each([
    ['a v2 type on a v1 event', { ...NO_CHANNEL, type: 'PAID', method: 'ONLINE' }, 'INVALID_FIELD'],
    ['a v2 RECEIVED without its v2 fields', { ...VALID, schemaVersion: 2 }, 'MISSING_FIELD'],
    ['a v2 RESOLVED without dataReused', { ...NO_CHANNEL, schemaVersion: 2, type: 'RESOLVED', resultElectronic: true, resultDigitized: true }, 'MISSING_FIELD'],
    ['a RATED score of 6', { ...NO_CHANNEL, schemaVersion: 2, type: 'RATED', score: 6 }, 'INVALID_FIELD'],
    ['a PAID without a method', { ...NO_CHANNEL, schemaVersion: 2, type: 'PAID' }, 'MISSING_FIELD'],
    ['schemaVersion 3', { ...VALID, schemaVersion: 3 }, 'UNSUPPORTED_SCHEMA_VERSION'],
  ])('refuses %s with the same reason both ways', (_name, e, code) => {
    expect(both(Buffer.from(JSON.stringify(e)))).toEqual({ compiled: { ok: false, code }, dto: { ok: false, code } });
  });

  it('is generated from the DTO: every decorated field, the required ones, and the cross-field rules', () => {
    const schema = dossierEventSchema() as { properties: Record<string, unknown>; required: string[]; allOf: { then: { required?: string[]; properties?: Record<string, unknown> } }[] };
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(VALID).sort());
    expect(schema.required.sort()).toEqual(
      Object.keys(VALID)
        .filter((k) => k !== 'channel')
        .sort(),
    );
    expect(schema.allOf[0].then.required).toEqual(['channel']);
    // The v2 fields live only under "schemaVersion is 2", each with the DTO's own rule.
    const bool = expect.objectContaining({ type: 'boolean' });
    expect(schema.allOf[2].then.properties).toEqual({
      fullyOnline: bool,
      componentsDigitized: bool,
      resultElectronic: bool,
      resultDigitized: bool,
      dataReused: bool,
      method: expect.objectContaining({ enum: ['ONLINE', 'COUNTER'] }),
      score: expect.objectContaining({ type: 'integer', minimum: 1, maximum: 5 }),
    });
  });

  it('on the pipeline fuzz corpus (12,000 inputs, v1 and v2, of 23 kinds)', () => {
    const disagreements = fuzzInputs(20261130, 10_000, 2_000)
      .filter((i) => i.value.length <= 16_384)
      .map((i) => ({ kind: i.kind, text: i.value.toString('utf8').slice(0, 200), ...both(i.value) }))
      .filter((r) => JSON.stringify(r.compiled) !== JSON.stringify(r.dto));
    expect(disagreements.slice(0, 5)).toEqual([]);
  });

  it('on arbitrary edits of a valid event, v1 or v2 of every type (fields replaced, removed, mistyped, too long)', () => {
    const field = fc.constantFrom(...Object.keys(VALID), ...Object.keys(V2_EXTRAS), 'extra');
    const start = fc.constantFrom<Record<string, unknown>>(VALID, ...V2_VALID);
    const value = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(null, '', 'RECEIVED', 'RESOLVED', 'LATE', 'ONLINE', 'DIRECT', 1, 2, '1', 1.5, '2025-07-01T08:30:00+07:00', '2025-02-30T08:30:00Z'),
      fc.constantFrom(true, false, 'true', 0, 3, 5, 6, 4.5, 'PAID', 'RATED', 'FEEDBACK_RECEIVED', 'FEEDBACK_RESOLVED', 'WITHDRAWN', 'COUNTER', 'CASH'),
      fc.string({ maxLength: 80 }),
      fc.integer({ min: 30, max: 80 }).map((n) => 'x'.repeat(n)),
      fc.integer({ min: 30, max: 80 }).map((n) => 'x y'.repeat(n)),
      fc.uuid().map((u) => u.toUpperCase()),
    );
    fc.assert(
      fc.property(start, fc.array(fc.tuple(field, fc.option(value, { nil: undefined })), { maxLength: 4 }), (valid, edits) => {
        const obj: Record<string, unknown> = { ...valid };
        for (const [f, v] of edits) {
          if (v === undefined) delete obj[f];
          else obj[f] = v;
        }
        const r = both(Buffer.from(JSON.stringify(obj)));
        expect(r.compiled).toEqual(r.dto);
      }),
      { numRuns: 8_000, seed: 12 },
    );
  });
});
