import { type PartitionBatch, fetchedBehind } from './batch-consumer';

describe('fetchedBehind', () => {
  const batch = (nextOffset: string, highWatermark?: string): PartitionBatch => ({ topic: 't', partition: 0, messages: [], nextOffset, highWatermark });

  it.each([
    ['120', '120', false], // the fetch returned everything there was: keeping pace
    ['120', '121', true], // one more record was already waiting
    ['120', '5000000000000', true], // offsets past 2^32, compared as integers
    ['120', undefined, false], // unknown (a batch built outside the consumer): not behind
  ])('next offset %s, high watermark %s → %s', (next, hw, behind) => {
    expect(fetchedBehind(batch(next, hw))).toBe(behind);
  });
});
