import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSampleProcedures } from '@tthc/catalogue';
import { listProcedures, upsertProcedures } from '@tthc/persistence';
import { ScratchDatabase } from '../../../test/support/scratch-database';
import { ProcedureFileError, loadProcedureFile } from './procedures.command';

/** `procedures load` on the real PostgreSQL: all of a good file in one transaction, nothing of a bad one. */
describe('procedures load (real PostgreSQL)', () => {
  let db: ScratchDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'tthc-procedures-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const HEADER = 'code,name,level,online_service,online_payment,essential,deadline_working_days';

  beforeAll(async () => {
    db = await ScratchDatabase.create();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('seeds the sample once and never overwrites a loaded procedure when seeding again', async () => {
    const sample = loadSampleProcedures();
    expect(await upsertProcedures(db.dataSource, sample, 'keep')).toEqual({ inserted: sample.length, updated: 0 });
    await db.query(`UPDATE procedures SET name = 'Tên đã nạp' WHERE code = '1.001193'`);
    expect(await upsertProcedures(db.dataSource, sample, 'keep')).toEqual({ inserted: 0, updated: 0 });
    expect((await listProcedures(db.dataSource)).find((p) => p.code === '1.001193')?.name).toBe('Tên đã nạp');
  });

  it('loads a file: new codes inserted, known ones replaced, counted per level', async () => {
    const path = file('good.csv', `${HEADER}\n1.001193,Đăng ký khai sinh,COMMUNE,true,true,true,1\n9.000001,Thủ tục thử nghiệm,SHARED,false,false,false,\n`);
    const report = await loadProcedureFile(db.dataSource, path);
    expect(report).toMatchObject({ rows: 2, inserted: 1, updated: 1 });
    const all = await listProcedures(db.dataSource);
    expect(report.catalogue.SHARED).toBe(all.filter((p) => p.level === 'SHARED').length);
    expect(all.find((p) => p.code === '1.001193')?.name).toBe('Đăng ký khai sinh');
    expect(await listProcedures(db.dataSource, { level: 'SHARED', essential: false })).toContainEqual({
      code: '9.000001',
      name: 'Thủ tục thử nghiệm',
      level: 'SHARED',
      onlineService: false,
      onlinePayment: false,
      essential: false,
      deadlineWorkingDays: null,
    });
  });

  it('writes nothing from a file with a bad line, and names every bad line', async () => {
    const before = await listProcedures(db.dataSource);
    const path = file('bad.csv', `${HEADER}\n9.000002,Một thủ tục tốt,COMMUNE,true,true,false,3\n9.000003,Thủ tục,XA,true,true,false,3\n9.00004,Thủ tục,COMMUNE,true,true,false,3\n`);
    const error = await loadProcedureFile(db.dataSource, path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcedureFileError);
    expect((error as ProcedureFileError).lines).toEqual([
      `${path}:3: level must be one of PROVINCIAL, COMMUNE, SHARED, got "XA"`,
      `${path}:4: code must look like 1.001193 (a digit, a dot, six digits), got "9.00004"`,
    ]);
    expect(await listProcedures(db.dataSource)).toEqual(before);
  });

  it('says so when the file cannot be read', async () => {
    await expect(loadProcedureFile(db.dataSource, join(dir, 'missing.csv'))).rejects.toThrow(/missing\.csv: cannot read \(ENOENT\)/);
  });
});
