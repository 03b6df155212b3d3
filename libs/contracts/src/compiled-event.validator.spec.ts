import fc from 'fast-check';
import { fuzzInputs } from '../../../test/support/fuzz-inputs';
import { compiledShapeRejection } from './compiled-event.validator';
import { type Decoded, decodeDossierEvent, dtoShapeRejection } from './decode-dossier-event';
import { dossierEventV1Schema } from './dossier-event-v1.schema';

/**
 * Issue 12: the Kafka hot path checks the contract with a validator compiled from its JSON
 * Schema, which is generated from the DTO. Held to the DTO's class-validator rules here: on the
 * pipeline's fuzz corpus and on arbitrary edits of a valid event, both give the same verdict,
 * the same reason code and the same event.
 */
const verdict = (d: Decoded) => (d.ok ? { ok: true, event: d.event } : { ok: false, code: d.rejection.code });
const both = (bytes: Buffer) => ({ compiled: verdict(decodeDossierEvent(bytes, 16_384, compiledShapeRejection)), dto: verdict(decodeDossierEvent(bytes, 16_384, dtoShapeRejection)) });

const VALID = {
  eventId: '3F1C2B9E-8D4A-4C6F-9E21-5A7B8C9D0E1F', schemaVersion: 1, type: 'RECEIVED', dossierId: 'H59.28756-250701-0001', unitCode: '28756',
  procedureCode: '1.001612', occurredAt: '2025-07-01T08:30:00+07:00', channel: 'ONLINE', dueAt: '2025-07-05T17:00:00+07:00',
};

describe('the compiled contract validator agrees with the DTO', () => {
  it('is generated from the DTO: every decorated field, the required ones, and the RECEIVED → channel rule', () => {
    const schema = dossierEventV1Schema() as { properties: Record<string, unknown>; required: string[]; then: { required: string[] } };
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(VALID).sort());
    expect(schema.required.sort()).toEqual(Object.keys(VALID).filter((k) => k !== 'channel').sort());
    expect(schema.then.required).toEqual(['channel']);
  });

  it('on the pipeline fuzz corpus (12,000 inputs of 16 kinds)', () => {
    const disagreements = fuzzInputs(20261130, 10_000, 2_000)
      .filter((i) => i.value.length <= 16_384)
      .map((i) => ({ kind: i.kind, text: i.value.toString('utf8').slice(0, 200), ...both(i.value) }))
      .filter((r) => JSON.stringify(r.compiled) !== JSON.stringify(r.dto));
    expect(disagreements.slice(0, 5)).toEqual([]);
  });

  it('on arbitrary edits of a valid event (fields replaced, removed, mistyped, too long)', () => {
    const field = fc.constantFrom(...Object.keys(VALID), 'extra');
    const value = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(null, '', 'RECEIVED', 'RESOLVED', 'LATE', 'ONLINE', 'DIRECT', 1, 2, '1', 1.5, '2025-07-01T08:30:00+07:00', '2025-02-30T08:30:00Z'),
      fc.string({ maxLength: 80 }),
      fc.integer({ min: 30, max: 80 }).map((n) => 'x'.repeat(n)),
      fc.integer({ min: 30, max: 80 }).map((n) => 'x y'.repeat(n)),
      fc.uuid().map((u) => u.toUpperCase()),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(field, fc.option(value, { nil: undefined })), { maxLength: 4 }), (edits) => {
        const obj: Record<string, unknown> = { ...VALID };
        for (const [f, v] of edits) {
          if (v === undefined) delete obj[f];
          else obj[f] = v;
        }
        const r = both(Buffer.from(JSON.stringify(obj)));
        expect(r.compiled).toEqual(r.dto);
      }),
      { numRuns: 5_000, seed: 12 },
    );
  });
});
