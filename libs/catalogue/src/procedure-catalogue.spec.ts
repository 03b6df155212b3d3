import { PROCEDURE_LEVELS } from '@tthc/domain';
import { loadSampleProcedures, parseProcedureCsv } from './procedure-catalogue';

const HEADER = 'code,name,level,online_service,online_payment,essential,deadline_working_days';

describe('parseProcedureCsv', () => {
  it('reads rows with quoted names, diacritics, a BOM, comments and an optional deadline', () => {
    const csv = `\uFEFF# a comment\n${HEADER}\n1.001022,"Đăng ký nhận cha, mẹ, con",COMMUNE,có,không,0,3\n1.000010,Đổi giấy phép lái xe,provincial,true,true,true,\n`;
    const { procedures, errors } = parseProcedureCsv(csv);
    expect(errors).toEqual([]);
    expect(procedures).toEqual([
      { code: '1.001022', name: 'Đăng ký nhận cha, mẹ, con', level: 'COMMUNE', onlineService: true, onlinePayment: false, essential: false, deadlineWorkingDays: 3 },
      { code: '1.000010', name: 'Đổi giấy phép lái xe', level: 'PROVINCIAL', onlineService: true, onlinePayment: true, essential: true, deadlineWorkingDays: null },
    ]);
  });

  it.each([
    ['a bad code', '1.0011,Tên,COMMUNE,true,true,true,1', /line 2: code must look like 1\.001193/],
    ['an unknown level', '1.001193,Tên,HUYEN,true,true,true,1', /line 2: level must be one of PROVINCIAL, COMMUNE, SHARED, got "HUYEN"/],
    ['a flag that is not a boolean', '1.001193,Tên,COMMUNE,maybe,false,true,1', /line 2: online_service must be true\/false/],
    ['an empty name', '1.001193,,COMMUNE,true,true,true,1', /line 2: name is empty/],
    ['a zero deadline', '1.001193,Tên,COMMUNE,true,true,true,0', /line 2: deadline_working_days must be a whole number/],
    ['payment online without the service', '1.001193,Tên,COMMUNE,false,true,true,1', /line 2: online_payment is true but online_service is false/],
    ['a row with a column too many', '1.001193,Tên,COMMUNE,true,true,true,1,extra', /line 2/],
  ])('names the line and the field for %s', (_name, row, message) => {
    const { errors } = parseProcedureCsv(`${HEADER}\n${row}\n`);
    expect(errors.map((e) => `line ${e.line}: ${e.message}`).join('\n')).toMatch(message);
  });

  it('reports every bad line, counting comment lines, and keeps the good ones', () => {
    const csv = `# comment\n${HEADER}\n1.001193,Đăng ký khai sinh,COMMUNE,true,true,true,1\nbad,Tên,COMMUNE,true,true,true,1\n1.001193,Đăng ký khai sinh,COMMUNE,true,true,true,1\n`;
    const { procedures, errors } = parseProcedureCsv(csv);
    expect(procedures.map((p) => p.code)).toEqual(['1.001193']);
    expect(errors).toEqual([
      { line: 4, message: expect.stringMatching(/^code must look like/) },
      { line: 5, message: 'code 1.001193 is already on line 3' },
    ]);
  });

  it('refuses a header without the required columns', () => {
    const { procedures, errors } = parseProcedureCsv('code,name\n1.001193,Đăng ký khai sinh\n');
    expect(procedures).toEqual([]);
    expect(errors[0].message).toMatch(/header lacks column\(s\) level, online_service, online_payment, essential/);
  });
});

describe('the shipped sample', () => {
  const sample = loadSampleProcedures();

  it('is a small real sample covering every level and both kinds of service', () => {
    expect(sample.length).toBeGreaterThanOrEqual(20);
    for (const level of PROCEDURE_LEVELS) expect(sample.some((p) => p.level === level)).toBe(true);
    expect(sample.some((p) => p.essential)).toBe(true);
    expect(sample.some((p) => !p.essential)).toBe(true);
  });

  it('keeps the names with their diacritics', () => {
    expect(sample.find((p) => p.code === '1.001193')?.name).toBe('Đăng ký khai sinh');
    expect(sample.every((p) => p.name === p.name.normalize('NFC'))).toBe(true);
  });
});
