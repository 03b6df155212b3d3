import { NoiseInjector, type OutgoingMessage } from './noise';

const messages: OutgoingMessage[] = Array.from({ length: 200_000 }, (_, i) => ({
  key: `H86.29407-250701-${String(i).padStart(6, '0')}`,
  value: JSON.stringify({ eventId: `e-${i}`, type: 'RECEIVED', n: i }),
}));

describe('NoiseInjector', () => {
  const noise = new NoiseInjector(86);
  const out = noise.apply(messages);

  it('keeps every clean message, once and in order', () => {
    const clean = out.filter((m) => {
      try {
        JSON.parse(m.value);
        return true;
      } catch {
        return false;
      }
    });
    expect(clean.slice(0, messages.length)).toEqual(messages);
  });

  it('adds ~0.5% exact duplicates and ~0.1% truncated messages that are not JSON', () => {
    expect(noise.duplicates / messages.length).toBeGreaterThan(0.004);
    expect(noise.duplicates / messages.length).toBeLessThan(0.006);
    expect(noise.malformed / messages.length).toBeGreaterThan(0.0007);
    expect(noise.malformed / messages.length).toBeLessThan(0.0013);
    expect(out.length).toBe(messages.length + noise.duplicates + noise.malformed);
    const values = new Set(messages.map((m) => m.value));
    const truncated = out.filter((m) => !values.has(m.value));
    expect(truncated).toHaveLength(noise.malformed);
    for (const m of truncated) expect(() => JSON.parse(m.value)).toThrow();
  });

  it('is a no-op at zero rates', () => {
    expect(new NoiseInjector(1, { duplicateShare: 0, malformedShare: 0 }).apply(messages.slice(0, 100))).toEqual(messages.slice(0, 100));
  });
});
