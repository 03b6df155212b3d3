import type { Message } from 'kafkajs';
import { TRUNCATION_HEADERS, chunkBySize, fitDeadLetter, recordBytes } from './sized-send';

const msg = (bytes: number, key = 'k'): Message => ({ key, value: Buffer.alloc(bytes, 0x61) });

describe('chunkBySize', () => {
  it('keeps every message, in order per topic, and no chunk above the limit', () => {
    const a = Array.from({ length: 40 }, (_, i) => msg(10_000 + i));
    const b = Array.from({ length: 15 }, (_, i) => msg(30_000 + i));
    const chunks = chunkBySize(
      [
        { topic: 'a', messages: a },
        { topic: 'b', messages: b },
      ],
      100_000,
    );
    for (const chunk of chunks) {
      const bytes = chunk.flatMap((t) => t.messages).reduce((s, m) => s + recordBytes(m), 0);
      expect(bytes).toBeLessThanOrEqual(100_000);
    }
    expect(
      chunks
        .flat()
        .filter((t) => t.topic === 'a')
        .flatMap((t) => t.messages),
    ).toEqual(a);
    expect(
      chunks
        .flat()
        .filter((t) => t.topic === 'b')
        .flatMap((t) => t.messages),
    ).toEqual(b);
    // 400 kB + 450 kB in 100 kB requests: at least 9.
    expect(chunks.length).toBeGreaterThanOrEqual(9);
  });

  it('sends a single record larger than the limit alone, so only it can be refused', () => {
    const chunks = chunkBySize([{ topic: 't', messages: [msg(10), msg(500), msg(10)] }], 300);
    expect(chunks.map((c) => c[0].messages.map((m) => (m.value as Buffer).length))).toEqual([[10], [500], [10]]);
  });

  it('returns nothing for nothing', () => {
    expect(chunkBySize([{ topic: 't', messages: [] }], 1000)).toEqual([]);
  });
});

describe('fitDeadLetter', () => {
  it('leaves a record that fits untouched', () => {
    const m = { ...msg(1000), headers: { 'dlq.reason.code': 'MALFORMED_JSON' } };
    expect(fitDeadLetter(m, 10_000)).toBe(m);
  });

  it('cuts a record that does not fit below the limit and records the original sizes', () => {
    const m = { key: 'x'.repeat(5000), value: Buffer.alloc(200_000, 0x62), headers: { 'dlq.reason.code': 'PAYLOAD_TOO_LARGE' } };
    const fitted = fitDeadLetter(m, 50_000);
    expect(recordBytes(fitted)).toBeLessThanOrEqual(50_000);
    const h = fitted.headers as Record<string, string>;
    expect(h[TRUNCATION_HEADERS.truncated]).toBe('true');
    expect(h[TRUNCATION_HEADERS.originalValueBytes]).toBe('200000');
    expect(h[TRUNCATION_HEADERS.originalKeyBytes]).toBe('5000');
    expect(h['dlq.reason.code']).toBe('PAYLOAD_TOO_LARGE');
    // What is kept is the beginning of the original, as much of it as fits.
    expect((fitted.value as Buffer).length).toBeGreaterThan(40_000);
    expect((fitted.value as Buffer).equals(m.value.subarray(0, (fitted.value as Buffer).length))).toBe(true);
  });
});
