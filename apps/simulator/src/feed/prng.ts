/**
 * Seeded pseudo-random numbers for the simulator: sfc32 (Chris Doty-Humphrey's Small Fast
 * Counting generator from PractRand, 128-bit state), seeded through splitmix32.
 *
 * Same seed → same stream: the generator itself is pure 32-bit integer arithmetic. The
 * floating-point helpers (`normal`, `exponential`, `poisson`) also call Math.log/sqrt/cos, which
 * V8 implements in software (its fdlibm port), so they too repeat exactly on a given Node.js
 * version; the tests pin determinism on the runtime they run on.
 *
 * Never use this for anything secret.
 */

const TWO_POW_32 = 4294967296;

/** MurmurHash3's 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of `s`, finalised with fmix32. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

function hashNumber(n: number): number {
  if (!Number.isFinite(n)) throw new RangeError(`cannot derive a seed from ${n}`);
  const int = Math.trunc(n);
  const lo = int >>> 0;
  const hi = Math.floor(int / TWO_POW_32) >>> 0;
  return fmix32(fmix32(lo ^ 0x9e3779b9) ^ Math.imul(hi, 0x85ebca6b) ^ (n - int !== 0 ? hashString(String(n)) : 0));
}

/**
 * A 32-bit seed for an independent sub-stream, e.g. `deriveSeed(seed, 'day', 20270)`.
 * Order-sensitive; distinct parts give (for all practical purposes) unrelated streams, so each
 * simulated day or unit can be generated on its own, in any order, with the same result.
 */
export function deriveSeed(seed: number, ...parts: (string | number)[]): number {
  let h = hashNumber(seed);
  for (const part of parts) {
    const v = typeof part === 'number' ? hashNumber(part) : hashString(part);
    h = fmix32((h + 0x9e3779b9 + Math.imul(v, 0xcc9e2d51)) >>> 0);
  }
  return h;
}

const HEX_DIGIT_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = '-'.charCodeAt(0);
/** Scratch for uuidV4; one string is built at a time (JS is single-threaded here). */
const uuidCodes: number[] = new Array<number>(36).fill(DASH);

function writeHex(word: number, nibbles: number, at: number): void {
  for (let i = nibbles - 1, w = word; i >= 0; i--, w >>>= 4) uuidCodes[at + i] = HEX_DIGIT_CODES[w & 0xf];
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * A stream for `seed`, or for a sub-stream of it named by `parts` (`new Prng(seed, 'day', 20270)`).
   * The parts are mixed into separate state words, so sub-streams that differ in one numeric
   * part below 2^32 (a day index, say) start from different states: no two days share a stream.
   */
  constructor(seed: number, ...parts: (string | number)[]) {
    // splitmix32 spreads a (possibly small, possibly zero) seed over the 128-bit state.
    let s = hashNumber(seed);
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const state = [splitmix(), splitmix(), splitmix(), splitmix()];
    parts.forEach((part, i) => {
      state[i % 3] ^= typeof part === 'number' ? hashNumber(part) : hashString(part);
    });
    [this.a, this.b, this.c, this.d] = state;
    // sfc32's step is a bijection of its state, so distinct starting states stay distinct.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform float in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box–Muller; one value per call, the partner is discarded for simplicity). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) impossible
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Poisson(lambda): exact (Knuth) for small lambda, normal approximation above 30. */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }

  /** Index drawn in proportion to weights, given their running sums (last = total). */
  pickCumulative(cumulative: ArrayLike<number>): number {
    const x = this.next() * cumulative[cumulative.length - 1];
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** A UUID v4-shaped string (version nibble 4, RFC 4122 variant 8..b) from this stream. */
  uuidV4(): string {
    const w0 = this.nextUint32();
    const w1 = this.nextUint32();
    const w2 = this.nextUint32();
    const w3 = this.nextUint32();
    writeHex(w0, 8, 0);
    writeHex(w1 >>> 16, 4, 9);
    writeHex((w1 & 0x0fff) | 0x4000, 4, 14); // version 4
    writeHex(((w2 >>> 16) & 0x3fff) | 0x8000, 4, 19); // variant 8..b
    writeHex(w2 & 0xffff, 4, 24);
    writeHex(w3, 8, 28);
    // One flat string (concatenation would build a rope, kept alive for days in the feed's queue).
    return String.fromCharCode.apply(null, uuidCodes);
  }
}
