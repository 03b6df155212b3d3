import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Client } from 'pg';
import { type DossierState, isOverdueOpenAt, openIntervals } from '@tthc/domain';
import {
  DOSSIERS_OVERDUE_FROM,
  DOSSIERS_TABLE,
  type Sql,
  countOverdueOpenNow,
  countOverdueOpenWithNextCrossing,
  loadDossiers,
  openAtSql,
  overdueFrom,
  overdueOpenAtSql,
  runMigrations,
  saveDossiers,
} from '@tthc/persistence';

/**
 * Issue 14: the overdue rule has one home in the domain (`openIntervals` / `isOverdueOpenAt`)
 * and one SQL form (libs/persistence `overdue-rule.sql.ts`). This runs both on the same
 * dossiers and instants, on the real PostgreSQL, so neither can drift from the other.
 */
describe('the overdue rule in SQL agrees with the domain (real PostgreSQL)', () => {
  const schema = `e2e_overdue_${randomBytes(4).toString('hex')}`;
  let db: Client;
  // The repositories take anything with TypeORM's `query(text, params)`; a plain pg client is enough.
  const sql: Sql = { query: <T>(text: string, params?: unknown[]) => db.query(text, params).then((r) => r.rows as T) };

  const T0 = Date.parse('2025-07-01T08:00:00+07:00');
  const MIN = 60_000;
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  // Instants on a coarse grid around T0, so edges coincide often (equal instants are where rules differ).
  const instant = fc.integer({ min: -4, max: 12 }).map((k) => T0 + k * 15 * MIN);
  const fact = (id: number) => fc.record({ occurredAt: instant, dueAt: instant }).map((f) => ({ ...f, eventId: uuid(id) }));
  const stateArb = (n: number) =>
    fc
      .record({
        receipt: fc.option(
          fact(n * 10 + 1).map((f) => ({ ...f, channel: 'ONLINE' as const })),
          { nil: undefined },
        ),
        lateFlag: fc.option(fact(n * 10 + 2), { nil: undefined }),
        resolution: fc.option(fact(n * 10 + 3), { nil: undefined }),
      })
      .map((facts): DossierState => ({ unitCode: '28756', dossierId: `d-${n}`, procedureCode: '1.001612', ...facts }));

  beforeAll(async () => {
    await runMigrations(process.env.DATABASE_URL!, schema);
    db = new Client({ connectionString: process.env.DATABASE_URL, options: `-c search_path=${schema}` });
    await db.connect();
  });

  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.end();
  });

  it('open and overdue at every instant, edges included, for arbitrary dossiers', async () => {
    const states = fc.sample(fc.tuple(...Array.from({ length: 300 }, (_, i) => stateArb(i))), { seed: 14, numRuns: 1 })[0];
    await db.query('DELETE FROM dossiers');
    await saveDossiers(sql, states, new Map());
    const instants = new Set<number>();
    for (const s of states) for (const f of [s.receipt, s.lateFlag, s.resolution]) if (f) for (const t of [f.occurredAt, f.dueAt]) for (const d of [-1, 0, 1]) instants.add(t + d);
    const at = [...instants].sort((a, b) => a - b);
    const rows = await sql.query<{ dossier_id: string; i: number; open: boolean | null; overdue: boolean | null }[]>(
      `SELECT dossier_id, i, ${openAtSql(DOSSIERS_TABLE, 't')} AS open, ${overdueOpenAtSql(DOSSIERS_TABLE, 't')} AS overdue
         FROM dossiers CROSS JOIN unnest($1::timestamptz[]) WITH ORDINALITY AS x(t, i)`,
      [at.map((t) => new Date(t).toISOString())],
    );
    const byId = new Map(states.map((s) => [s.dossierId, s]));
    const disagreements = rows.filter((r) => {
      const s = byId.get(r.dossier_id)!;
      const t = at[Number(r.i) - 1];
      const { open } = openIntervals(s);
      const openInDomain = !!open && open.from <= t && (open.until === undefined || t < open.until);
      // NULL (a dossier never opened) is false where the fragments are used: WHERE and FILTER clauses.
      return (r.open ?? false) !== openInDomain || (r.overdue ?? false) !== isOverdueOpenAt(s, t);
    });
    expect(rows.length).toBe(states.length * at.length);
    expect(disagreements.slice(0, 5)).toEqual([]);
  });

  it("the stored overdue_from the gauge reads is the rule's expression, after inserts and after updates", async () => {
    const differing = async () => (await sql.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dossiers WHERE ${DOSSIERS_OVERDUE_FROM} IS DISTINCT FROM ${overdueFrom(DOSSIERS_TABLE)}`))[0].n;
    const first = fc.sample(fc.tuple(...Array.from({ length: 300 }, (_, i) => stateArb(i))), { seed: 7, numRuns: 1 })[0];
    await db.query('DELETE FROM dossiers');
    await saveDossiers(sql, first, new Map());
    const stored = await sql.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dossiers WHERE ${DOSSIERS_OVERDUE_FROM} IS NOT NULL`);
    expect(stored[0].n).toBeGreaterThan(100);
    expect(await differing()).toBe(0);
    // The same dossiers with other facts: every row updated in place by the aggregator's write.
    const second = fc.sample(fc.tuple(...Array.from({ length: 300 }, (_, i) => stateArb(i))), { seed: 8, numRuns: 1 })[0];
    await saveDossiers(sql, second, await loadDossiers(sql, second));
    expect(await differing()).toBe(0);
  });

  it('the live overdue gauge counts what the domain counts, at every instant, edges included', async () => {
    const states = fc.sample(fc.tuple(...Array.from({ length: 300 }, (_, i) => stateArb(i))), { seed: 12, numRuns: 1 })[0];
    await db.query('DELETE FROM dossiers');
    await saveDossiers(sql, states, new Map());
    const instants = new Set<number>();
    for (const s of states) for (const f of [s.receipt, s.lateFlag]) if (f) for (const t of [f.occurredAt, f.dueAt]) for (const d of [-1, 0, 1]) instants.add(t + d);
    const unresolved = states.filter((s) => !s.resolution);
    const disagreements: { at: string; sql: number; domain: number }[] = [];
    for (const t of [...instants].sort((a, b) => a - b)) {
      const counted = (await countOverdueOpenNow(sql, new Date(t), ['28756'])).get('28756') ?? 0;
      const domain = unresolved.filter((s) => isOverdueOpenAt(s, t)).length;
      if (counted !== domain) disagreements.push({ at: new Date(t).toISOString(), sql: counted, domain });
    }
    expect(instants.size).toBeGreaterThan(30);
    expect(disagreements.slice(0, 5)).toEqual([]);
  });

  it('with its next crossing: the count, and the earliest instant after it at which an unresolved dossier becomes overdue', async () => {
    const states = fc.sample(fc.tuple(...Array.from({ length: 300 }, (_, i) => stateArb(i))), { seed: 21, numRuns: 1 })[0];
    // Two units, so one's dossiers cannot stand in for the other's.
    const units = states.map((s, i) => ({ ...s, unitCode: i % 3 === 0 ? '28777' : '28756' }));
    await db.query('DELETE FROM dossiers');
    await saveDossiers(sql, units, new Map());
    const instants = new Set<number>();
    for (const s of units) for (const f of [s.receipt, s.lateFlag]) if (f) for (const t of [f.occurredAt, f.dueAt]) for (const d of [-1, 0, 1]) instants.add(t + d);
    const disagreements: unknown[] = [];
    for (const t of [...instants].sort((a, b) => a - b)) {
      const counted = await countOverdueOpenWithNextCrossing(sql, new Date(t), ['28756', '28777', '29999']);
      for (const unit of ['28756', '28777', '29999']) {
        const unresolved = units.filter((s) => s.unitCode === unit && !s.resolution);
        const expected = {
          count: unresolved.filter((s) => isOverdueOpenAt(s, t)).length,
          nextCrossing: Math.min(...unresolved.map((s) => openIntervals(s).overdue?.from ?? Infinity).filter((from) => from > t)),
        };
        const got = counted.get(unit);
        if (got?.count !== expected.count || got.nextCrossing !== expected.nextCrossing) disagreements.push({ at: new Date(t).toISOString(), unit, got, expected });
      }
    }
    expect(instants.size).toBeGreaterThan(30);
    expect(disagreements.slice(0, 5)).toEqual([]);
  });

  it('the live overdue gauge counts what the domain counts now (a LATE flag or receipt ahead of the clock does not count yet)', async () => {
    const now = T0 + 60 * MIN;
    const receipt = (n: number, occurredAt: number, dueAt: number) => ({ eventId: uuid(n), occurredAt, dueAt, channel: 'DIRECT' as const });
    const flag = (n: number, occurredAt: number, dueAt: number) => ({ eventId: uuid(n), occurredAt, dueAt });
    const states: DossierState[] = [
      // Flagged LATE two minutes ahead of our clock (within the accepted skew), deadline tomorrow: not overdue yet.
      { unitCode: '28756', dossierId: 'late-ahead', procedureCode: 'p', receipt: receipt(1, T0, now + 86_400_000), lateFlag: flag(2, now + 2 * MIN, now + 86_400_000) },
      // A receipt stamped a minute ahead, whose deadline is already past: not open yet, so not overdue.
      { unitCode: '28756', dossierId: 'receipt-ahead', procedureCode: 'p', receipt: receipt(3, now + MIN, T0) },
      // Plainly overdue: received, deadline passed, unresolved.
      { unitCode: '28756', dossierId: 'overdue', procedureCode: 'p', receipt: receipt(4, T0, now - MIN) },
      // Flagged LATE a minute ago, deadline tomorrow: overdue by the flag.
      { unitCode: '28756', dossierId: 'flagged', procedureCode: 'p', receipt: receipt(5, T0, now + 86_400_000), lateFlag: flag(6, now - MIN, now + 86_400_000) },
    ];
    await db.query('DELETE FROM dossiers');
    await saveDossiers(sql, states, new Map());
    const gauge = await countOverdueOpenNow(sql, new Date(now));
    expect(gauge.get('28756')).toBe(states.filter((s) => isOverdueOpenAt(s, now)).length);
    expect(gauge.get('28756')).toBe(2);
  });
});
