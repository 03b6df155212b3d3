import type { DossierEventJson } from '../feed/dossier-feed';
import { DAY_MS, HOUR_MS } from '../feed/local-time';
import { MinHeap } from '../feed/min-heap';
import { Prng } from '../feed/prng';
import type { TransportCounts } from './ground-truth';

/** One Kafka record as it goes into the file: key and serialised value. */
export interface FileRecord {
  key: string;
  value: string;
}

export interface DisorderOptions {
  /** Share of events also written a second time, byte for byte, up to 5,000 records later. */
  duplicateShare: number;
  /** Share of events re-sent under a new eventId (same fact, same times), up to 5,000 records later. */
  resendShare: number;
  /** Share of events moved 200–3,000 records later than their time order. */
  reorderShare: number;
  /** Share of events held back 1 hour to 3 days of simulated time (past the period's end: at the end). */
  lateShare: number;
  /** Share of events followed by a truncated copy (malformed JSON → DLQ). */
  malformedShare: number;
}

export const DEFAULT_DISORDER: DisorderOptions = {
  duplicateShare: 0.005,
  resendShare: 0.001,
  reorderShare: 0.02,
  lateShare: 0.002,
  malformedShare: 0.001,
};

export const NO_DISORDER: DisorderOptions = { duplicateShare: 0, resendShare: 0, reorderShare: 0, lateShare: 0, malformedShare: 0 };

interface Held {
  /** Output position (records written) or simulated time at which it is released. */
  release: number;
  seq: number;
  record: FileRecord;
}

const heldBefore = (a: Held, b: Held): boolean => a.release < b.release || (a.release === b.release && a.seq < b.seq);

/**
 * What real source systems do to a stream on its way to Kafka (issue 6): retried sends
 * (duplicates), re-emitted facts under a new eventId, local reordering, and stragglers that
 * arrive hours or days after the fact. Every clean event still goes out exactly once under its
 * own eventId; disorder only adds copies or moves records, so the facts, and therefore the
 * ground truth, are those of the clean feed. Seeded: the same seed gives the same file.
 */
export class TransportDisorder {
  private readonly rng: Prng;
  private readonly byPosition = new MinHeap<Held>(heldBefore);
  private readonly byTime = new MinHeap<Held>(heldBefore);
  private seq = 0;
  private written = 0;
  readonly counts: TransportCounts = { clean: 0, duplicates: 0, resent: 0, reordered: 0, late: 0, malformed: 0 };

  constructor(
    seed: number,
    private readonly write: (record: FileRecord) => void,
    private readonly options: DisorderOptions = DEFAULT_DISORDER,
  ) {
    this.rng = new Prng(seed, 'transport-disorder');
  }

  /** Records written so far. */
  get lines(): number {
    return this.written;
  }

  /** Takes the next clean event, in time order (`at` = its occurredAt). */
  push(key: string, value: DossierEventJson, at: number): void {
    const { rng, options: o } = this;
    this.counts.clean++;
    this.releaseUntil(at);
    const record = { key, value: JSON.stringify(value) };
    if (rng.chance(o.lateShare)) {
      this.byTime.push({ release: at + rng.between(HOUR_MS, 3 * DAY_MS), seq: this.seq++, record });
      this.counts.late++;
    } else if (rng.chance(o.reorderShare)) {
      this.hold(record, rng.between(200, 3_000));
      this.counts.reordered++;
    } else {
      this.emit(record);
    }
    if (rng.chance(o.duplicateShare)) {
      this.hold({ key, value: record.value }, rng.between(1, 5_000));
      this.counts.duplicates++;
    }
    if (rng.chance(o.resendShare)) {
      this.hold({ key, value: JSON.stringify({ ...value, eventId: rng.uuidV4() }) }, rng.between(1, 5_000));
      this.counts.resent++;
    }
    if (rng.chance(o.malformedShare)) {
      // A strict prefix of a JSON object lacks its closing brace: never valid JSON.
      const cut = 1 + rng.below(Math.max(1, record.value.length - 1));
      this.emit({ key, value: record.value.slice(0, Math.min(cut, record.value.length - 1)) });
      this.counts.malformed++;
    }
  }

  /** The end of the stream: whatever is still held goes out, position-held first, then the stragglers. */
  finish(): void {
    for (const heap of [this.byPosition, this.byTime]) {
      for (let h = heap.pop(); h !== undefined; h = heap.pop()) {
        this.write(h.record);
        this.written++;
      }
    }
  }

  private hold(record: FileRecord, positions: number): void {
    this.byPosition.push({ release: this.written + Math.floor(positions), seq: this.seq++, record });
  }

  private releaseUntil(at: number): void {
    for (let top = this.byTime.peek(); top !== undefined && top.release <= at; top = this.byTime.peek()) {
      this.byTime.pop();
      this.emit(top.record);
    }
  }

  private emit(record: FileRecord): void {
    this.write(record);
    this.written++;
    for (let top = this.byPosition.peek(); top !== undefined && top.release <= this.written; top = this.byPosition.peek()) {
      this.byPosition.pop();
      this.write(top.record);
      this.written++;
    }
  }
}
