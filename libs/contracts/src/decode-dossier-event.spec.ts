import fc from 'fast-check';
import { DEFAULT_MAX_EVENT_BYTES, decodeDossierEvent, type Decoded } from './decode-dossier-event';

/** The reason codes a decoder may produce (event-rule codes come later, from the domain). */
const DECODER_CODES = ['PAYLOAD_TOO_LARGE', 'MALFORMED_JSON', 'UNSUPPORTED_SCHEMA_VERSION', 'MISSING_FIELD', 'INVALID_FIELD', 'VALUE_TOO_LONG', 'CONTROL_CHARACTER', 'INVALID_UNICODE'] as const;

const VALID_RECEIVED = {
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

const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const withFields = (changes: Record<string, unknown>): Buffer => bytes({ ...VALID_RECEIVED, ...changes });
const without = (field: keyof typeof VALID_RECEIVED): Buffer => {
  const copy: Record<string, unknown> = { ...VALID_RECEIVED };
  delete copy[field];
  return bytes(copy);
};

function rejectionOf(decoded: Decoded) {
  if (decoded.ok) throw new Error(`expected a rejection, got ${JSON.stringify(decoded.event)}`);
  return decoded.rejection;
}

describe('decodeDossierEvent', () => {
  it('decodes a valid RECEIVED to epoch-ms instants and a lower-cased eventId', () => {
    expect(decodeDossierEvent(bytes(VALID_RECEIVED))).toEqual({
      ok: true,
      event: {
        eventId: '3f1c2b9e-8d4a-4c6f-9e21-5a7b8c9d0e1f',
        type: 'RECEIVED',
        dossierId: 'H59.28756-250701-0001',
        unitCode: '28756',
        procedureCode: '1.001612',
        occurredAt: Date.UTC(2025, 6, 1, 1, 30),
        channel: 'ONLINE',
        dueAt: Date.UTC(2025, 6, 5, 10, 0),
      },
    });
  });

  it.each([
    ['RESOLVED without channel', { type: 'RESOLVED', channel: undefined }],
    ['RESOLVED with a channel (ignored)', { type: 'RESOLVED', channel: 'DIRECT' }],
    ['LATE without channel', { type: 'LATE', channel: undefined }],
    ['RESOLVED after its deadline (shape only; late is not invalid)', { type: 'RESOLVED', channel: undefined, occurredAt: '2025-07-09T08:00:00Z' }],
    ['DIRECT channel', { channel: 'DIRECT' }],
    ['a dossierId of exactly 64 chars', { dossierId: 'x'.repeat(64) }],
    ['a Vietnamese dossierId', { dossierId: 'HS-Vĩnh-Long-đơn-0001' }],
    ['a province-level unitCode', { unitCode: 'STTTT.VLG' }],
    ['instants with Z and fractional seconds', { occurredAt: '2025-07-01T01:30:00.250Z', dueAt: '2025-07-05T10:00:00.000Z' }],
    ['an instant with minutes only', { occurredAt: '2025-07-01T08:30+07:00' }],
    ['an unknown extra field', { note: 'ghi chú' }],
  ])('accepts %s', (_name, changes) => {
    const decoded = decodeDossierEvent(withFields(changes));
    expect(decoded.ok).toBe(true);
  });

  it('drops the channel of a non-RECEIVED event', () => {
    const decoded = decodeDossierEvent(withFields({ type: 'RESOLVED', channel: 'DIRECT' }));
    expect(decoded).toEqual({ ok: true, event: expect.objectContaining({ type: 'RESOLVED' }) });
    expect(decoded.ok && decoded.event.channel).toBeUndefined();
  });

  it.each<[string, (typeof DECODER_CODES)[number], Buffer | null, RegExp | null]>([
    ['null', 'MALFORMED_JSON', null, null],
    ['an empty buffer', 'MALFORMED_JSON', Buffer.alloc(0), null],
    ['an unterminated object "{"', 'MALFORMED_JSON', Buffer.from('{'), null],
    ['a JSON array "[1]"', 'MALFORMED_JSON', Buffer.from('[1]'), null],
    ['JSON null', 'MALFORMED_JSON', Buffer.from('null'), null],
    ['a JSON string', 'MALFORMED_JSON', Buffer.from('"RECEIVED"'), null],
    ['a JSON number', 'MALFORMED_JSON', Buffer.from('42'), null],
    ['invalid UTF-8 bytes', 'MALFORMED_JSON', Buffer.from([0xff, 0xfe]), null],
    ['a valid event with an invalid UTF-8 byte inside a string', 'MALFORMED_JSON', Buffer.concat([Buffer.from('{"dossierId":"'), Buffer.from([0xc3]), Buffer.from('"}')]), null],
    ['Latin-1 encoded text (é as the lone byte 0xE9)', 'MALFORMED_JSON', Buffer.from(JSON.stringify({ ...VALID_RECEIVED, dossierId: 'café' }), 'latin1'), null],
    ['schemaVersion 3', 'UNSUPPORTED_SCHEMA_VERSION', withFields({ schemaVersion: 3 }), /schemaVersion/],
    ['schemaVersion 2 without the v2 fields of a RECEIVED', 'MISSING_FIELD', withFields({ schemaVersion: 2 }), /fullyOnline/],
    ['schemaVersion 0', 'UNSUPPORTED_SCHEMA_VERSION', withFields({ schemaVersion: 0 }), /schemaVersion/],
    ['missing schemaVersion', 'MISSING_FIELD', without('schemaVersion'), /schemaVersion/],
    ['missing dossierId', 'MISSING_FIELD', without('dossierId'), /dossierId/],
    ['null dossierId', 'MISSING_FIELD', withFields({ dossierId: null }), /dossierId/],
    ['missing eventId', 'MISSING_FIELD', without('eventId'), /eventId/],
    ['missing unitCode', 'MISSING_FIELD', without('unitCode'), /unitCode/],
    ['missing procedureCode', 'MISSING_FIELD', without('procedureCode'), /procedureCode/],
    ['missing occurredAt', 'MISSING_FIELD', without('occurredAt'), /occurredAt/],
    ['missing dueAt', 'MISSING_FIELD', without('dueAt'), /dueAt/],
    ['missing type', 'MISSING_FIELD', without('type'), /type/],
    ['RECEIVED without channel', 'MISSING_FIELD', without('channel'), /channel/],
    ['an empty object', 'MISSING_FIELD', Buffer.from('{}'), /eventId/],
    ['channel EMAIL', 'INVALID_FIELD', withFields({ channel: 'EMAIL' }), /channel/],
    ['channel in lower case', 'INVALID_FIELD', withFields({ channel: 'online' }), /channel/],
    ['RESOLVED with channel EMAIL', 'INVALID_FIELD', withFields({ type: 'RESOLVED', channel: 'EMAIL' }), /channel/],
    ['type OPENED', 'INVALID_FIELD', withFields({ type: 'OPENED' }), /type/],
    ['eventId not a UUID', 'INVALID_FIELD', withFields({ eventId: 'evt-123' }), /eventId/],
    ['eventId a number', 'INVALID_FIELD', withFields({ eventId: 12345 }), /eventId/],
    ['dossierId a number', 'INVALID_FIELD', withFields({ dossierId: 1 }), /dossierId/],
    ['empty dossierId', 'INVALID_FIELD', withFields({ dossierId: '' }), /dossierId/],
    ['dossierId of 65 chars', 'VALUE_TOO_LONG', withFields({ dossierId: 'x'.repeat(65) }), /dossierId/],
    ['procedureCode of 65 chars', 'VALUE_TOO_LONG', withFields({ procedureCode: '1'.repeat(65) }), /procedureCode/],
    ['unitCode of 33 chars', 'VALUE_TOO_LONG', withFields({ unitCode: '2'.repeat(33) }), /unitCode/],
    ['unitCode with a space', 'INVALID_FIELD', withFields({ unitCode: '28 756' }), /unitCode/],
    ['occurredAt without offset', 'INVALID_FIELD', withFields({ occurredAt: '2025-07-01T08:30:00' }), /occurredAt/],
    ['occurredAt date only', 'INVALID_FIELD', withFields({ occurredAt: '2025-07-01' }), /occurredAt/],
    ['occurredAt 30 February', 'INVALID_FIELD', withFields({ occurredAt: '2025-02-30T08:30:00Z' }), /occurredAt/],
    ['occurredAt as epoch number', 'INVALID_FIELD', withFields({ occurredAt: 1751333400000 }), /occurredAt/],
    ['dueAt without offset', 'INVALID_FIELD', withFields({ dueAt: '2025-07-05T17:00:00' }), /dueAt/],
    // Issue 9: what PostgreSQL would refuse is refused here, with its own code, naming the field.
    ['NUL inside dossierId', 'CONTROL_CHARACTER', withFields({ dossierId: 'H59\u0000-0001' }), /dossierId/],
    ['NUL inside procedureCode', 'CONTROL_CHARACTER', withFields({ procedureCode: '1.0016\u000012' }), /procedureCode/],
    ['NUL inside unitCode', 'CONTROL_CHARACTER', withFields({ unitCode: '28756\u0000' }), /unitCode/],
    ['NUL inside eventId', 'CONTROL_CHARACTER', withFields({ eventId: '\u00003f1c2b9e-8d4a-4c6f-9e21-5a7b8c9d0e1f' }), /eventId/],
    ['NUL inside occurredAt', 'CONTROL_CHARACTER', withFields({ occurredAt: '2025-07-01T08:30:00+07:00\u0000' }), /occurredAt/],
    ['NUL inside type', 'CONTROL_CHARACTER', withFields({ type: 'RECEIVED\u0000' }), /type/],
    ['a tab inside dossierId', 'CONTROL_CHARACTER', withFields({ dossierId: 'H59\t0001' }), /dossierId/],
    ['DEL inside dossierId', 'CONTROL_CHARACTER', withFields({ dossierId: 'H59\u007f0001' }), /dossierId/],
    ['a C1 control (U+0085) inside procedureCode', 'CONTROL_CHARACTER', withFields({ procedureCode: '1.001\u0085' }), /procedureCode/],
    ['a lone high surrogate in dossierId', 'INVALID_UNICODE', withFields({ dossierId: 'H59-\ud800-0001' }), /dossierId/],
    ['a lone low surrogate in procedureCode', 'INVALID_UNICODE', withFields({ procedureCode: '\udc00' }), /procedureCode/],
  ])('rejects %s → %s', (_name, code, input, detail) => {
    const rejection = rejectionOf(decodeDossierEvent(input));
    expect(rejection.code).toBe(code);
    expect(typeof rejection.detail).toBe('string');
    expect(rejection.detail.length).toBeGreaterThan(0);
    if (detail) expect(rejection.detail).toMatch(detail);
  });

  it('accepts a dossierId with a real surrogate pair (an emoji is odd, but storable)', () => {
    expect(decodeDossierEvent(withFields({ dossierId: 'HS-\ud83d\ude00-1' })).ok).toBe(true);
  });

  it('never puts a raw control character or lone surrogate into a rejection detail', () => {
    const inputs = [
      Buffer.from('{"dossierId":"\u0000abc'),
      Buffer.from('{\u0000}'),
      Buffer.from([0x7b, 0x00, 0x22, 0x61]),
      withFields({ dossierId: '\u0000'.repeat(10) }),
      withFields({ unitCode: 'x\u0000y', dossierId: 'x'.repeat(70) }),
      Buffer.from(`{"a": "${'\u0000'.repeat(3)}", "b": [\u0001]}`),
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (arr) => {
        inputs.push(Buffer.concat([Buffer.from('{"x":"'), Buffer.from(arr)]));
      }),
      { numRuns: 200 },
    );
    for (const input of inputs) {
      const decoded = decodeDossierEvent(input);
      expect(decoded.ok).toBe(false);
      const detail = rejectionOf(decoded).detail;
      expect(detail).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      expect(detail.isWellFormed()).toBe(true);
    }
  });

  describe('size limit', () => {
    const payload = bytes({ ...VALID_RECEIVED, dossierId: 'Hồ sơ Vĩnh Long' });

    it.each([
      ['exactly maxBytes is accepted', payload.length, true],
      ['maxBytes counts bytes, not characters', payload.toString('utf8').length, false],
      ['one byte over maxBytes is rejected', payload.length - 1, false],
    ])('%s', (_name, maxBytes, ok) => {
      const decoded = decodeDossierEvent(payload, maxBytes);
      expect(decoded.ok).toBe(ok);
      if (!ok) expect(rejectionOf(decoded).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('the default limit is 16 KiB, checked before parsing', () => {
      expect(DEFAULT_MAX_EVENT_BYTES).toBe(16 * 1024);
      expect(rejectionOf(decodeDossierEvent(Buffer.alloc(16 * 1024 + 1, 0x7b))).code).toBe('PAYLOAD_TOO_LARGE');
      expect(rejectionOf(decodeDossierEvent(Buffer.alloc(16 * 1024, 0x7b))).code).toBe('MALFORMED_JSON');
    });
  });

  describe('JSON keys that collide with Object.prototype members', () => {
    it.each([['{"constructor":null}'], ['{"constructor":1}'], ['{"constructor":{}}'], ['{"__proto__":null}'], ['{"hasOwnProperty":1}']])('%s is rejected, not thrown', (json) => {
      let decoded: Decoded | undefined;
      expect(() => {
        decoded = decodeDossierEvent(Buffer.from(json));
      }).not.toThrow();
      expect(decoded?.ok).toBe(false);
      expect(DECODER_CODES).toContain(decoded && !decoded.ok && decoded.rejection.code);
    });

    it.each([[null], [1], ['x'], [{}]])('a valid event with an extra "constructor": %p decodes like any other unknown extra field', (value) => {
      const json = JSON.stringify(VALID_RECEIVED).replace(/^\{/, `{"constructor":${JSON.stringify(value)},`);
      expect(() => decodeDossierEvent(Buffer.from(json))).not.toThrow();
      expect(decodeDossierEvent(Buffer.from(json))).toEqual(decodeDossierEvent(bytes(VALID_RECEIVED)));
    });
  });

  describe('fuzzing: never throws, always a known outcome', () => {
    const UUID_LOWER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

    function expectWellFormed(decoded: Decoded): void {
      expect(typeof decoded.ok).toBe('boolean');
      if (decoded.ok) {
        const e = decoded.event;
        expect(e.eventId).toMatch(UUID_LOWER);
        expect(['RECEIVED', 'RESOLVED', 'LATE']).toContain(e.type);
        expect(Number.isFinite(e.occurredAt)).toBe(true);
        expect(Number.isFinite(e.dueAt)).toBe(true);
        expect(typeof e.dossierId).toBe('string');
        expect(e.dossierId.length).toBeGreaterThan(0);
        expect(typeof e.unitCode).toBe('string');
        expect(typeof e.procedureCode).toBe('string');
        if (e.type === 'RECEIVED') expect(['ONLINE', 'DIRECT']).toContain(e.channel);
        else expect(e.channel).toBeUndefined();
      } else {
        expect(DECODER_CODES).toContain(decoded.rejection.code);
        expect(typeof decoded.rejection.detail).toBe('string');
      }
    }

    function decodeSafely(buf: Buffer): Decoded {
      let decoded: Decoded | undefined;
      expect(() => {
        decoded = decodeDossierEvent(buf);
      }).not.toThrow();
      return decoded as Decoded;
    }

    it('arbitrary bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), (arr) => {
          expectWellFormed(decodeSafely(Buffer.from(arr)));
        }),
        { numRuns: 500 },
      );
    });

    it('arbitrary JSON texts', () => {
      fc.assert(
        fc.property(fc.json(), (text) => {
          expectWellFormed(decodeSafely(Buffer.from(text, 'utf8')));
        }),
        { numRuns: 500 },
      );
    });

    it('arbitrary values, serialised', () => {
      fc.assert(
        fc.property(fc.anything({ withBoxedValues: true, withSparseArray: true }), (value) => {
          const text = JSON.stringify(value);
          if (text === undefined) return;
          expectWellFormed(decodeSafely(Buffer.from(text, 'utf8')));
        }),
        { numRuns: 500 },
      );
    });

    it('a valid event with arbitrary fields replaced, removed or added', () => {
      const fieldArb = fc.constantFrom(...Object.keys(VALID_RECEIVED), 'constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'extra');
      const valueArb = fc.oneof(
        fc.jsonValue(),
        fc.constantFrom(null, '', 'RECEIVED', 'RESOLVED', 'LATE', 'ONLINE', 'DIRECT', 1, 2, '1', '2025-07-01T08:30:00+07:00', 'x'.repeat(65)),
        fc.uuid().map((u) => u.toUpperCase()),
      );
      fc.assert(
        fc.property(fc.array(fc.tuple(fieldArb, fc.option(valueArb, { nil: undefined })), { maxLength: 5 }), (edits) => {
          const obj: Record<string, unknown> = { ...VALID_RECEIVED };
          for (const [field, value] of edits) {
            if (value === undefined) delete obj[field];
            else Object.defineProperty(obj, field, { value, enumerable: true, writable: true, configurable: true });
          }
          expectWellFormed(decodeSafely(Buffer.from(JSON.stringify(obj), 'utf8')));
        }),
        { numRuns: 1000 },
      );
    });
  });
});
