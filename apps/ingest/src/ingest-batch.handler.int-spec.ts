import { DLQ_HEADERS } from '@tthc/contracts';
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
  });

  it('fails the whole batch with a data error when storage refuses one event, and dead-letters that event alone once isolated', async () => {
    await ctx.db.query(`ALTER TABLE raw_events ADD CONSTRAINT refuse_x CHECK (dossier_id <> 'd-refused')`);
    const topic = ctx.env.TOPIC_EVENTS!;
    const error = await handler.handle(batchOf(topic, [ev(10), ev(11, { dossierId: 'd-refused' })], 100)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(classifyFailure(error)).toMatchObject({ kind: 'data', code: '23514' });
    // Nothing of the failed batch stayed: one transaction.
    expect((await ctx.db.query(`SELECT 1 FROM raw_events WHERE dossier_id = 'd-10'`)).length).toBe(0);

    await handler.deadLetter(batchOf(topic, [ev(11, { dossierId: 'd-refused' })], 101), classifyFailure(error));
    await handler.deadLetter(batchOf(topic, [ev(11, { dossierId: 'd-refused' })], 101), classifyFailure(error));
    const dead = (await ctx.read(ctx.env.TOPIC_DLQ!)).filter((m) => m.headers![DLQ_HEADERS.sourceOffset]!.toString() === '101');
    expect(dead).toHaveLength(1);
    expect(dead[0].headers![DLQ_HEADERS.reasonCode]!.toString()).toBe('STORAGE_REJECTED');
    expect(dead[0].headers![DLQ_HEADERS.errorCode]!.toString()).toBe('23514');
  });
});
