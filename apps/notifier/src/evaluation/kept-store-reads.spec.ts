import { zeroWindowCounts } from '@tthc/domain';
import { KeptStoreReads, fieldsKey } from './kept-store-reads';

const JULY = { name: 'rolling30d', from: '2025-07-02', to: '2025-07-31' };
const AUGUST_1 = { name: 'rolling30d', from: '2025-07-03', to: '2025-08-01' };
const F = fieldsKey(['receivedTotal', 'receivedOnline']);
const counts = { ...zeroWindowCounts(), receivedTotal: 13 };

describe('KeptStoreReads: a window read from the store, judged on again until the unit changes', () => {
  it('answers the same window, fields and days, while no snapshot made after the read arrived', () => {
    const kept = new KeptStoreReads();
    kept.keep('A', JULY, F, 1_000, counts);
    expect(kept.find('A', JULY, F, NaN)).toEqual({ counts });
    expect(kept.find('A', JULY, F, 999)).toEqual({ counts }); // a snapshot older than the read: the read stands
    expect(kept.find('A', JULY, F, 1_000)).toEqual({ counts });
    expect(kept.find('A', JULY, F, 1_001)).toBeUndefined(); // the unit changed since
  });

  it('does not answer for other days (past midnight), other fields, or another unit', () => {
    const kept = new KeptStoreReads();
    kept.keep('A', JULY, F, 1_000, counts);
    expect(kept.find('A', AUGUST_1, F, NaN)).toBeUndefined();
    expect(kept.find('A', JULY, fieldsKey(['receivedTotal']), NaN)).toBeUndefined();
    expect(kept.find('B', JULY, F, NaN)).toBeUndefined();
    kept.keep('A', AUGUST_1, F, 2_000, counts);
    expect(kept.find('A', JULY, F, NaN)).toBeUndefined(); // one entry a window name: the new day's replaced it
  });

  it('remembers that a unit had no day rows in the window', () => {
    const kept = new KeptStoreReads();
    kept.keep('A', JULY, F, 1_000, undefined);
    expect(kept.find('A', JULY, F, NaN)).toEqual({ counts: undefined });
  });

  it('keys fields by the set, not the order', () => {
    expect(fieldsKey(['receivedOnline', 'receivedTotal'])).toBe(F);
  });
});
