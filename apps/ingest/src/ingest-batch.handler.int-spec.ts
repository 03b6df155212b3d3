import { DLQ_HEADERS } from '@tthc/contracts';
import { OffsetGapError } from '@tthc/messaging';
import { classifyFailure } from '@tthc/platform';
import { batchOf, WorkerContext } from '../../../test/support/worker-context';
import { IngestBatchHandler } from './ingest-batch.handler';
import { IngestSettings } from './ingest.settings';

/** IngestBatchHandler on the real PostgreSQL and Kafka, called with batches built here. */
describe('IngestBatchHandler (real PostgreSQL, Kafka)', () => {
  let ctx: WorkerContext;
  let handler: IngestBatchHandler;
  const ev = (n: number, over: Record<string, unknown> = {}) =>
    JSON.stringify({
      eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      schemaVersion: 1,
      type: 'RECEIVED',
      dossierId: `d-${n}`,
      unitCode: '28756',
      procedureCode: '1.001612',
      occurredAt: '2025-07-15T09:00:00+07:00',
      channel: 'ONLINE',
      dueAt: '2025-07-20T17:00:00+07:00',
      ...over,
    });

  beforeAll(async () => {
    ctx = await WorkerContext.create('ingest', IngestSettings, [IngestBatchHandler], '2025-07-31T12:00:00+07:00');
    handler = ctx.app.get(IngestBatchHandler);
  });
  /** The next offset stored for partition 0 of the events topic, beside the raw log. */
  const storedOffset = async () => (await ctx.db.query<{ o: string }>(`SELECT next_offset::text AS o FROM consumer_offsets WHERE topic = $1 AND partition = 0`, [ctx.env.TOPIC_EVENTS]))[0]?.o;
  afterAll(async () => {
    await ctx?.close();
  });

  it('forwards new events keyed by unit, logs them raw, dead-letters the invalid with their reason, drops duplicates', async () => {
    const topic = ctx.env.TOPIC_EVENTS!;
    const result = await handler.handle(batchOf(topic, [ev(1), ev(2), ev(1), ev(3, { unitCode: '99999' }), '{']));
    expect(result).toEqual({ forwarded: 2, duplicates: 1, rejected: 2, rejectedByReason: { UNKNOWN_UNIT: 1, MALFORMED_JSON: 1 } });
    // One record per unit and batch: the unit's new events, in order (issue 12).
    const forwarded = await ctx.read(ctx.env.TOPIC_VALIDATED!);
    expect(forwarded.map((m) => [m.key!.toString(), (JSON.parse(m.value!.toString()) as { dossierId: string }[]).map((e) => e.dossierId)])).toEqual([['28756', ['d-1', 'd-2']]]);
    const dead = await ctx.read(ctx.env.TOPIC_DLQ!);
    expect(dead.map((m) => [m.headers![DLQ_HEADERS.reasonCode]!.toString(), m.headers![DLQ_HEADERS.sourceOffset]!.toString()])).toEqual([
      ['UNKNOWN_UNIT', '3'],
      ['MALFORMED_JSON', '4'],
    ]);
    expect((await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM raw_events`))[0].n).toBe(2);

    // Redelivered (a crash before the offset commit): nothing forwarded or dead-lettered twice.
    expect(await handler.handle(batchOf(topic, [ev(1), ev(2), ev(1), ev(3, { unitCode: '99999' }), '{']))).toMatchObject({ forwarded: 0, duplicates: 3, rejected: 2 });
    expect(await ctx.read(ctx.env.TOPIC_VALIDATED!)).toHaveLength(1);
    expect(await ctx.read(ctx.env.TOPIC_DLQ!)).toHaveLength(2);
    expect(await storedOffset()).toBe('5');
  });

  it('fails the whole batch with a data error when storage refuses one event, and dead-letters that event alone once isolated', async () => {
    await ctx.db.query(`ALTER TABLE raw_events ADD CONSTRAINT refuse_x CHECK (dossier_id <> 'd-refused')`);
    const topic = ctx.env.TOPIC_EVENTS!;
    const error = await handler.handle(batchOf(topic, [ev(10), ev(11, { dossierId: 'd-refused' })], 5)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(classifyFailure(error)).toMatchObject({ kind: 'data', code: '23514' });
    // Nothing of the failed batch stayed, its offset neither: one transaction.
    expect((await ctx.db.query(`SELECT 1 FROM raw_events WHERE dossier_id = 'd-10'`)).length).toBe(0);
    expect(await storedOffset()).toBe('5');

    // The batch consumer isolates the records: the first alone, then the refused one alone.
    await handler.handle(batchOf(topic, [ev(10)], 5));
    await handler.deadLetter(batchOf(topic, [ev(11, { dossierId: 'd-refused' })], 6), classifyFailure(error));
    await handler.deadLetter(batchOf(topic, [ev(11, { dossierId: 'd-refused' })], 6), classifyFailure(error));
    const dead = (await ctx.read(ctx.env.TOPIC_DLQ!)).filter((m) => m.headers![DLQ_HEADERS.sourceOffset]!.toString() === '6');
    expect(dead).toHaveLength(1);
    expect(dead[0].headers![DLQ_HEADERS.reasonCode]!.toString()).toBe('STORAGE_REJECTED');
    expect(dead[0].headers![DLQ_HEADERS.errorCode]!.toString()).toBe('23514');
    // The partition carries on past the dead-lettered record.
    expect(await storedOffset()).toBe('7');
  });

  it('stores the next offset with the raw log, and commits without waiting for the WAL flush only a batch that dead-letters nothing', async () => {
    // Each raw-log row notes the synchronous_commit its transaction runs with.
    await ctx.db.query(`CREATE TABLE commit_modes (dossier_id text, mode text)`);
    await ctx.db.query(`CREATE FUNCTION note_commit_mode() RETURNS trigger LANGUAGE plpgsql AS $$
                          BEGIN INSERT INTO commit_modes VALUES (NEW.dossier_id, current_setting('synchronous_commit')); RETURN NEW; END $$`);
    await ctx.db.query(`CREATE TRIGGER note_commit_mode AFTER INSERT ON raw_events FOR EACH ROW EXECUTE FUNCTION note_commit_mode()`);
    const topic = ctx.env.TOPIC_EVENTS!;
    try {
      await handler.handle(batchOf(topic, [ev(20), ev(21)], 7));
      expect(await storedOffset()).toBe('9');
      await handler.handle(batchOf(topic, [ev(22), '{'], 9));
      expect(await storedOffset()).toBe('11');
      const modes = await ctx.db.query<{ dossier_id: string; mode: string }>(`SELECT dossier_id, mode FROM commit_modes ORDER BY dossier_id`);
      expect(modes).toEqual([
        { dossier_id: 'd-20', mode: 'off' },
        { dossier_id: 'd-21', mode: 'off' },
        { dossier_id: 'd-22', mode: 'on' },
      ]);
    } finally {
      await ctx.db.query(`DROP TRIGGER note_commit_mode ON raw_events`);
    }
  });

  it('refuses a batch that starts past the stored offset (a commit PostgreSQL lost), keeping and forwarding nothing of it', async () => {
    const topic = ctx.env.TOPIC_EVENTS!;
    const forwardedBefore = (await ctx.read(ctx.env.TOPIC_VALIDATED!)).length;
    const error = await handler.handle(batchOf(topic, [ev(30)], 14)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(OffsetGapError.is(error) && { expected: error.expected, got: error.got }).toEqual({ expected: '11', got: '14' });
    expect((await ctx.db.query(`SELECT 1 FROM raw_events WHERE dossier_id = 'd-30'`)).length).toBe(0);
    expect(await storedOffset()).toBe('11');
    expect(await ctx.read(ctx.env.TOPIC_VALIDATED!)).toHaveLength(forwardedBefore);
    // Read again from the stored offset, it goes through.
    expect(await handler.handle(batchOf(topic, ['{', '{', '{', ev(30)], 11))).toMatchObject({ forwarded: 1, rejected: 3 });
    expect(await storedOffset()).toBe('15');
  });
});
