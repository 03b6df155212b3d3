import { type AutovacuumThresholds, type TableActivity, autovacuumDue } from './autovacuum-stand-in';

// PostgreSQL 15's defaults (postgresql.conf.sample).
const DEFAULTS: AutovacuumThresholds = {
  autovacuum_vacuum_threshold: 50,
  autovacuum_vacuum_scale_factor: 0.2,
  autovacuum_vacuum_insert_threshold: 1000,
  autovacuum_vacuum_insert_scale_factor: 0.2,
  autovacuum_analyze_threshold: 50,
  autovacuum_analyze_scale_factor: 0.1,
};

const table = (over: Partial<TableActivity>): TableActivity => ({
  table: 'dossiers',
  reltuples: 100_000,
  deadTuples: 0,
  insertsSinceVacuum: 0,
  modsSinceAnalyze: 0,
  options: {},
  ...over,
});

describe('autovacuumDue: what autovacuum would do (relation_needs_vacanalyze)', () => {
  it.each([
    // [case, activity, expected]
    ['nothing changed', {}, { vacuum: false, analyze: false }],
    ['dead tuples at the threshold (50 + 0.2 × 100,000)', { deadTuples: 20_050 }, { vacuum: false, analyze: false }],
    ['dead tuples one over it', { deadTuples: 20_051 }, { vacuum: true, analyze: false }],
    ['inserts over their threshold (1,000 + 0.2 × 100,000)', { insertsSinceVacuum: 21_001 }, { vacuum: true, analyze: false }],
    ['changes over the analyze threshold (50 + 0.1 × 100,000)', { modsSinceAnalyze: 10_051 }, { vacuum: false, analyze: true }],
    ['never analyzed (reltuples -1): the base thresholds alone', { reltuples: -1, deadTuples: 51, modsSinceAnalyze: 51 }, { vacuum: true, analyze: true }],
    ['the table’s 2% (migration 1765000000000): 2,051 dead', { deadTuples: 2_051, options: { autovacuum_vacuum_scale_factor: '0.02' } }, { vacuum: true, analyze: false }],
    ['the table’s 2%: 2,050 dead', { deadTuples: 2_050, options: { autovacuum_vacuum_scale_factor: '0.02' } }, { vacuum: false, analyze: false }],
    ['the table’s insert 2%: 3,001 inserts', { insertsSinceVacuum: 3_001, options: { autovacuum_vacuum_insert_scale_factor: '0.02' } }, { vacuum: true, analyze: false }],
    ['an insert threshold of -1 turns insert vacuums off', { insertsSinceVacuum: 10_000_000, options: { autovacuum_vacuum_insert_threshold: '-1' } }, { vacuum: false, analyze: false }],
    ['autovacuum_enabled=false: never', { deadTuples: 10_000_000, modsSinceAnalyze: 10_000_000, options: { autovacuum_enabled: 'false' } }, { vacuum: false, analyze: false }],
  ] as [string, Partial<TableActivity>, { vacuum: boolean; analyze: boolean }][])('%s', (_, activity, expected) => {
    expect(autovacuumDue(table(activity), DEFAULTS)).toEqual(expected);
  });

  it('takes the server’s thresholds where the table sets none', () => {
    const eager = { ...DEFAULTS, autovacuum_vacuum_scale_factor: 0.01 };
    expect(autovacuumDue(table({ deadTuples: 1_051 }), eager).vacuum).toBe(true);
    expect(autovacuumDue(table({ deadTuples: 1_051 }), DEFAULTS).vacuum).toBe(false);
  });
});
