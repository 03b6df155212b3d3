import { Prng } from './feed/prng';

/** A message on its way to Kafka: key and serialised value. */
export interface OutgoingMessage {
  key: string;
  value: string;
}

export interface NoiseOptions {
  /** Share of messages also sent a second time, byte for byte (a source retrying a send). */
  duplicateShare: number;
  /** Share of messages followed by a truncated copy of themselves (malformed JSON → DLQ). */
  malformedShare: number;
}

export const DEFAULT_NOISE: NoiseOptions = { duplicateShare: 0.005, malformedShare: 0.001 };

/**
 * Transport noise on top of the clean feed, the kind a real source produces: exact duplicate
 * sends (ingest must drop them by eventId) and truncated messages (ingest must send them to the
 * DLQ as MALFORMED_JSON). Noise is only ever added: every clean message still goes out once,
 * so what the pipeline counts still equals what the feed generated.
 */
export class NoiseInjector {
  private readonly rng: Prng;
  duplicates = 0;
  malformed = 0;

  constructor(
    seed: number,
    private readonly options: NoiseOptions = DEFAULT_NOISE,
  ) {
    this.rng = new Prng(seed, 'transport-noise');
  }

  apply(messages: readonly OutgoingMessage[]): OutgoingMessage[] {
    const out: OutgoingMessage[] = [];
    const later: OutgoingMessage[] = [];
    for (const m of messages) {
      out.push(m);
      if (this.rng.chance(this.options.duplicateShare)) {
        later.push({ key: m.key, value: m.value });
        this.duplicates++;
      }
      if (this.rng.chance(this.options.malformedShare)) {
        // A strict prefix of a JSON object lacks its closing brace: never valid JSON.
        const cut = 1 + this.rng.below(Math.max(1, m.value.length - 1));
        out.push({ key: m.key, value: m.value.slice(0, Math.min(cut, m.value.length - 1)) });
        this.malformed++;
      }
    }
    // Duplicates go after the rest of the batch, as a retried send would.
    return later.length === 0 ? out : out.concat(later);
  }
}
