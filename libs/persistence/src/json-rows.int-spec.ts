import { ScratchDatabase } from '../../../test/support/scratch-database';
import { type JsonColumn, jsonRecordset, jsonRecordsetColumns, jsonRows } from './json-rows';

interface Row {
  id: number;
  text?: string | null;
  at?: number;
  flag?: boolean;
  big?: number;
}

const COLUMNS: JsonColumn<Row>[] = [
  ['id', 'int', (r) => r.id],
  ['text', 'text', (r) => r.text],
  ['at', 'timestamptz', (r) => r.at],
  ['flag', 'boolean', (r) => r.flag],
  ['big', 'bigint', (r) => r.big],
];

/** Rows through one JSON parameter and back, on the real PostgreSQL: every value exactly as sent. */
describe('json rows (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await ScratchDatabase.create();
  });
  afterAll(async () => {
    await db?.close();
  });

  const roundTrip = async (rows: Row[]) => {
    const back: { id: number; text: string | null; at_ms: string | null; flag: boolean | null; big: string | null }[] = await db.dataSource.query(
      `SELECT id, text, (extract(epoch FROM at) * 1000)::numeric::text AS at_ms, flag, big::text AS big
         FROM (SELECT ${jsonRecordsetColumns(COLUMNS)} FROM ${jsonRecordset(COLUMNS)}) AS x(id, text, at, flag, big) ORDER BY id`,
      [jsonRows(COLUMNS, rows)],
    );
    return back.map((b) => ({ id: b.id, text: b.text, at: b.at_ms === null ? null : Number(b.at_ms), flag: b.flag, big: b.big === null ? null : Number(b.big) }));
  };

  it('keeps every millisecond of the contract range exact', async () => {
    // The contract's bounds (2000-01-01 … 2100-01-01 local) and a spread of instants late in the range.
    const instants = [Date.UTC(1999, 11, 31, 17), Date.UTC(2099, 11, 31, 16, 59, 59, 999), 4_102_444_799_999, 4_102_444_799_001, 1_764_400_000_123];
    for (let i = 0; i < 2_000; i++) instants.push(4_000_000_000_000 + i * 7_919);
    const rows = instants.map((at, id) => ({ id, at }));
    const back = await roundTrip(rows);
    expect(back.map((b) => b.at)).toEqual(instants);
  });

  it('reads absent and null fields as NULL, and text with quotes, backslashes, braces and non-ASCII as sent', async () => {
    const texts = ['Phường Long Châu', 'a"b', 'c\\d', '{e,f}', 'NULL', '', '🙂 Vĩnh Long'];
    const rows: Row[] = [...texts.map((text, id) => ({ id, text, flag: id % 2 === 0, big: 5_000_000_000 + id })), { id: 100, text: null }, { id: 101 }];
    const back = await roundTrip(rows);
    expect(back).toEqual([
      ...texts.map((text, id) => ({ id, text, at: null, flag: id % 2 === 0, big: 5_000_000_000 + id })),
      { id: 100, text: null, at: null, flag: null, big: null },
      { id: 101, text: null, at: null, flag: null, big: null },
    ]);
  });

  it('refuses what the contract refuses, as a data error (SQLSTATE class 22), so the batch runner isolates it', async () => {
    await expect(roundTrip([{ id: 1, text: 'nul \u0000 inside' }])).rejects.toMatchObject({ code: expect.stringMatching(/^22/) });
  });

  it('round-trips rows of more columns than there are one-letter keys, every value under its own column', async () => {
    // 60 columns: a … z, A … Z, then _52 … _59; "a" and "A" are two keys, told apart by their quoted case.
    const wide: JsonColumn<number[]>[] = Array.from({ length: 60 }, (_, i) => [`c${i}`, 'int', (r: number[]) => r[i]] as const);
    const rows = [Array.from({ length: 60 }, (_, i) => i * 1_000 + 7), Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? -1 - i : i))];
    const back: Record<string, number>[] = await db.dataSource.query(`SELECT ${jsonRecordsetColumns(wide)} FROM ${jsonRecordset(wide)}`, [jsonRows(wide, rows)]);
    expect(back.map((b) => wide.map(([c]) => b[c]))).toEqual(rows);
  });
});
