import fc from 'fast-check';

/**
 * Inputs for the pipeline fuzz test (issue 9), each with its verdict known by construction, not
 * by asking the code under test: a `good` input is a valid RECEIVED event, v1 or v2 (of a dossier
 * no other input uses) wrapped in something harmless; a `bad` input is broken in a way the contract
 * forbids. JSON object keys are last-wins (as JSON.parse, Go and Python read them), so a
 * duplicated key is good or bad by its last value.
 */
export interface FuzzInput {
  kind: string;
  good: boolean;
  value: Buffer;
  /** For good inputs: what must be counted. */
  counted?: { unitCode: string; day: string; channel: 'ONLINE' | 'DIRECT' };
}

const UNITS = ['28756', '28861', '29263', '86'];
const DAYS = ['2025-07-14', '2025-07-15', '2025-07-16'];
const STRING_FIELDS = ['eventId', 'type', 'dossierId', 'unitCode', 'procedureCode', 'occurredAt', 'channel', 'dueAt'] as const;
const REQUIRED = ['eventId', 'schemaVersion', 'type', 'dossierId', 'unitCode', 'procedureCode', 'occurredAt', 'channel', 'dueAt'] as const;

interface Base {
  event: Record<string, unknown>;
  unitCode: string;
  day: string;
  channel: 'ONLINE' | 'DIRECT';
}

/** v2 fields of a RECEIVED (issue 15); a v1 event carries none. */
const V2_RECEIPT = ['fullyOnline', 'componentsDigitized'] as const;

/** A valid RECEIVED, v1 or (when `version` allows) v2 with its two v2 fields. */
const base = (n: number, version: fc.Arbitrary<1 | 2> = fc.constantFrom(1 as const, 2 as const)): fc.Arbitrary<Base> =>
  fc
    .record({
      unitCode: fc.constantFrom(...UNITS),
      day: fc.constantFrom(...DAYS),
      channel: fc.constantFrom('ONLINE' as const, 'DIRECT' as const),
      eventId: fc.uuid({ version: 4 }),
      hour: fc.integer({ min: 7, max: 16 }),
      version,
      fully: fc.boolean(),
      digitized: fc.boolean(),
    })
    .map(({ unitCode, day, channel, eventId, hour, version: v, fully, digitized }) => ({
      unitCode,
      day,
      channel,
      event: {
        eventId,
        schemaVersion: v,
        type: 'RECEIVED',
        dossierId: `FZ-${n}`,
        unitCode,
        procedureCode: '1.001612',
        occurredAt: `${day}T${String(hour).padStart(2, '0')}:15:00+07:00`,
        channel,
        dueAt: '2025-07-25T17:00:00+07:00',
        ...(v === 2 ? { fullyOnline: fully && channel === 'ONLINE', componentsDigitized: digitized } : {}),
      },
    }));
const v1Base = (n: number) => base(n, fc.constant(1 as const));
const v2Base = (n: number) => base(n, fc.constant(2 as const));

const json = (o: unknown) => Buffer.from(JSON.stringify(o), 'utf8');
const good = (kind: string, b: Base, value: Buffer): FuzzInput => ({ kind, good: true, value, counted: { unitCode: b.unitCode, day: b.day, channel: b.channel } });
const bad = (kind: string, value: Buffer): FuzzInput => ({ kind, good: false, value });

/** A JSON object text with `key` written twice: first `first`, then the event's own value last, or the other way round. */
const duplicateKey = (event: Record<string, unknown>, key: string, earlier: unknown, later: unknown): Buffer => {
  const rest = Object.entries(event).filter(([k]) => k !== key);
  const body = [`${JSON.stringify(key)}:${JSON.stringify(earlier)}`, ...rest.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`), `${JSON.stringify(key)}:${JSON.stringify(later)}`];
  return Buffer.from(`{${body.join(',')}}`, 'utf8');
};

const withField = (b: Base, field: string, value: unknown) => ({ ...b.event, [field]: value });

const insertAt = (s: string, i: number, piece: string) => s.slice(0, i % (s.length + 1)) + piece + s.slice(i % (s.length + 1));

const BAD_DATES = [
  '0000-07-15T09:00:00+07:00',
  '1999-12-31T09:00:00+07:00',
  '9999-12-31T23:59:59+07:00',
  '+275760-09-13T00:00:00Z',
  '2025-13-01T09:00:00+07:00',
  '2025-02-29T09:00:00+07:00',
  '2025-07-15T24:00:00+07:00',
  '2025-07-15T23:59:60+07:00',
  '2025-07-15T09:00:00',
  '2025-07-15',
  '2025-07-15T09:00:00+25:00',
  '2025-07-15 09:00:00+07:00',
  'yesterday',
  '',
  '2025-07-15T09:00:00+0700x',
  '１２３４-07-15T09:00:00+07:00',
];

function badInput(n: number): fc.Arbitrary<FuzzInput> {
  return fc.oneof(
    fc.uint8Array({ minLength: 0, maxLength: 400 }).map((a) => bad('random bytes', Buffer.from(a))),
    fc.tuple(base(n), fc.constantFrom(...REQUIRED)).map(([b, f]) => {
      const e = { ...b.event };
      delete e[f];
      return bad(`missing ${f}`, json(e));
    }),
    fc.tuple(base(n), fc.constantFrom(...REQUIRED), fc.oneof(fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}), fc.double({ noNaN: true }), fc.constant('1'))).map(([b, f, v]) =>
      // A string where schemaVersion needs a number, a number/bool/array/object where a string is needed.
      bad(`wrong type for ${f}`, json(withField(b, f, f === 'schemaVersion' ? JSON.stringify(v) : typeof v === 'string' ? 7 : v))),
    ),
    fc
      .tuple(base(n), fc.constantFrom(...STRING_FIELDS), fc.nat(), fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u009f', '\t', '\n'))
      .map(([b, f, i, c]) => bad(`control character in ${f}`, json(withField(b, f, insertAt(String(b.event[f]), i, c))))),
    fc
      .tuple(base(n), fc.constantFrom(...STRING_FIELDS), fc.nat(), fc.integer({ min: 0xd800, max: 0xdfff }))
      .map(([b, f, i, code]) => bad(`lone surrogate in ${f}`, json(withField(b, f, insertAt(String(b.event[f]), i, String.fromCharCode(code)))))),
    fc.tuple(base(n), fc.constantFrom('occurredAt', 'dueAt'), fc.constantFrom(...BAD_DATES)).map(([b, f, d]) => bad(`bad date in ${f}`, json(withField(b, f, d)))),
    fc.tuple(base(n), fc.constantFrom('dossierId', 'procedureCode', 'unitCode'), fc.integer({ min: 65, max: 5000 })).map(([b, f, len]) => bad(`long ${f}`, json(withField(b, f, 'x'.repeat(len))))),
    fc
      .tuple(base(n), fc.constantFrom('type', 'channel', 'unitCode'), fc.constantFrom('received', 'EMAIL', '99999', 'RESOLVED ', ''))
      .map(([b, f, v]) => bad(`bad value of ${f}`, json(withField(b, f, v)))),
    fc.tuple(base(n), fc.constantFrom(...REQUIRED)).map(([b, f]) => bad(`duplicate ${f}, last invalid`, duplicateKey(b.event, f, b.event[f], f === 'schemaVersion' ? 3 : { x: 1 }))),
    base(n).map((b) => bad('__proto__ as the whole event', Buffer.from(`{"__proto__":${JSON.stringify(b.event)}}`))),
    base(n).map((b) => bad('an array of the event', json([b.event]))),
    v1Base(n).map((b) => bad('schemaVersion 2 without the v2 fields', json(withField(b, 'schemaVersion', 2)))),
    base(n).map((b) => bad('schemaVersion 1e400', Buffer.from(JSON.stringify(b.event).replace(/"schemaVersion":[12]/, '"schemaVersion":1e400')))),
    // v2 (issue 15): its fields missing, mistyped, or a v2 type on a v1 event.
    fc.tuple(v2Base(n), fc.constantFrom(...V2_RECEIPT)).map(([b, f]) => {
      const e = { ...b.event };
      delete e[f];
      return bad(`v2 RECEIVED missing ${f}`, json(e));
    }),
    fc.tuple(v2Base(n), fc.constantFrom(...V2_RECEIPT), fc.constantFrom<unknown>('true', 1, 0, null, [], {})).map(([b, f, v]) => bad(`v2 ${f} not a boolean`, json(withField(b, f, v)))),
    fc
      .tuple(v1Base(n), fc.constantFrom('PAID', 'RATED', 'FEEDBACK_RECEIVED', 'FEEDBACK_RESOLVED', 'WITHDRAWN'))
      .map(([b, t]) => bad(`v2 type ${t} on a v1 event`, json({ ...b.event, type: t, channel: undefined, method: 'ONLINE', score: 5 }))),
    v2Base(n).map((b) => bad('v2 PAID with an unknown method', json({ ...b.event, type: 'PAID', channel: undefined, method: 'CASH' }))),
    fc
      .tuple(v2Base(n), fc.constantFrom<unknown>(0, 6, 4.5, '5', null))
      .map(([b, v]) => bad(`v2 RATED with score ${JSON.stringify(v)}`, json({ ...b.event, type: 'RATED', channel: undefined, score: v }))),
    base(n).map((b) => bad('truncated JSON', json(b.event).subarray(0, 40))),
    base(n).map((b) => bad('dueAt before receipt', json(withField(b, 'dueAt', `${b.day}T06:00:00+07:00`)))),
    base(n).map((b) => bad('occurred in the future', json(withField(b, 'occurredAt', '2099-01-01T09:00:00+07:00')))),
  );
}

function goodInput(n: number): fc.Arbitrary<FuzzInput> {
  return fc.oneof(
    base(n).map((b) => good('valid', b, json(b.event))),
    v1Base(n).map((b) => good('valid v1 carrying v2 fields it does not read', b, json({ ...b.event, fullyOnline: 'yes', score: 99 }))),
    base(n).map((b) => good('valid with unknown fields', b, json({ ...b.event, note: 'ghi chú', extra: { a: [1, null] } }))),
    base(n).map((b) => good('valid with __proto__ as an extra key', b, Buffer.from(JSON.stringify(b.event).replace(/^\{/, '{"__proto__":{"isAdmin":true},')))),
    fc.tuple(base(n), fc.constantFrom(...REQUIRED)).map(([b, f]) => good(`duplicate ${f}, last valid`, b, duplicateKey(b.event, f, '\u0000garbage', b.event[f]))),
    base(n).map((b) => good('valid, pretty-printed', b, Buffer.from(JSON.stringify(b.event, null, 2)))),
    base(n).map((b) => good('valid, Vietnamese dossierId in \\u escapes', b, Buffer.from(JSON.stringify({ ...b.event, dossierId: `HS-Vĩnh-Long-${n}` }).replace(/ĩ/g, '\\u0129')))),
  );
}

/** `bad` broken inputs and `good` valid ones, shuffled together; reproducible for a seed. */
export function fuzzInputs(seed: number, badCount: number, goodCount: number): FuzzInput[] {
  const rng = fc.sample(fc.integer(), { seed, numRuns: 1 })[0];
  const inputs: FuzzInput[] = [];
  for (let i = 0; i < badCount; i++) inputs.push(fc.sample(badInput(i), { seed: seed + i, numRuns: 1 })[0]);
  for (let i = 0; i < goodCount; i++) inputs.push(fc.sample(goodInput(badCount + i), { seed: seed + badCount + i, numRuns: 1 })[0]);
  // Fisher–Yates with a small LCG, so the mix is the same for the same seed.
  let state = rng >>> 0;
  for (let i = inputs.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [inputs[i], inputs[j]] = [inputs[j], inputs[i]];
  }
  return inputs;
}
