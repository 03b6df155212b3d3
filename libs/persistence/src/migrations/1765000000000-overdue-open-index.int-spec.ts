import { type DossierState, isOverdueOpenAt } from '@tthc/domain';
import { ScratchDatabase } from '../../../../test/support/scratch-database';
import { saveDossiers } from '../dossier-state.repository';
import { DOSSIERS_OVERDUE_FROM, DOSSIERS_TABLE, overdueFrom } from '../overdue-rule.sql';
import { countOverdueOpenNow } from '../unit-counters.repository';
import { OverdueOpenIndex1765000000000 } from './1765000000000-overdue-open-index';

/**
 * The upgrade on the real PostgreSQL: dossiers stored before it (no `overdue_from`) are counted
 * right by the gauge the moment it has run — the column is filled for existing rows by the
 * table's rewrite, not only for rows written afterwards — and the way back works.
 */
describe('migration OverdueOpenIndex1765000000000 (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  const migration = new OverdueOpenIndex1765000000000();
  const run = (step: 'up' | 'down') => db.migrate(migration, step);
  const unit = '28756';
  const now = Date.parse('2025-07-20T10:00:00+07:00');
  const H = 3_600_000;
  const fact = (n: number, occurredAt: number, dueAt: number) => ({ eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, occurredAt, dueAt });
  const states: DossierState[] = [
    { unitCode: unit, dossierId: 'past-deadline', procedureCode: 'p', receipt: { ...fact(1, now - 48 * H, now - H), channel: 'ONLINE' } },
    { unitCode: unit, dossierId: 'within-deadline', procedureCode: 'p', receipt: { ...fact(2, now - 48 * H, now + H), channel: 'DIRECT' } },
    { unitCode: unit, dossierId: 'flagged-late', procedureCode: 'p', receipt: { ...fact(3, now - 48 * H, now + 48 * H), channel: 'ONLINE' }, lateFlag: fact(4, now - H, now + 48 * H) },
    { unitCode: unit, dossierId: 'resolved-late', procedureCode: 'p', receipt: { ...fact(5, now - 48 * H, now - 2 * H), channel: 'ONLINE' }, resolution: fact(6, now - H, now - 2 * H) },
    { unitCode: unit, dossierId: 'deadline-this-ms', procedureCode: 'p', receipt: { ...fact(7, now - 48 * H, now), channel: 'DIRECT' } },
  ];

  beforeAll(async () => {
    db = await ScratchDatabase.create();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('counts the dossiers stored before it as the domain does, as soon as it has run', async () => {
    await run('down');
    await saveDossiers(db.dataSource, states, new Map());
    await run('up');
    const expected = states.filter((s) => isOverdueOpenAt(s, now)).length;
    expect(expected).toBe(2); // past its deadline, and flagged LATE; not the one whose deadline is this very millisecond
    expect((await countOverdueOpenNow(db.dataSource, new Date(now), [unit])).get(unit)).toBe(expected);
    expect(await db.query(`SELECT count(*)::int AS n FROM dossiers WHERE ${DOSSIERS_OVERDUE_FROM} IS DISTINCT FROM ${overdueFrom(DOSSIERS_TABLE)}`)).toEqual([{ n: 0 }]);
    expect(await db.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname = 'dossiers_overdue_open_idx'`, [db.schema])).toHaveLength(1);
  });

  it('goes back and forth', async () => {
    await run('down');
    expect(await db.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'dossiers' AND column_name = 'overdue_from'`, [db.schema])).toEqual([
      { n: 0 },
    ]);
    await run('up');
    expect((await countOverdueOpenNow(db.dataSource, new Date(now), [unit])).get(unit)).toBe(2);
  });
});
