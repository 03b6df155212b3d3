import { provinceDisplayName } from '@tthc/domain';
import { loadUnitCatalogue, readVinhLongCommuneList } from './unit-catalogue';

describe('unit catalogue', () => {
  it('has the 124 communes of Vĩnh Long (19 phường, 105 xã) plus the provincial centre', () => {
    const units = loadUnitCatalogue('86');
    expect(units).toHaveLength(125);
    const byType = (t: string) => units.filter((u) => u.divisionType === t).length;
    expect(byType('phường')).toBe(19);
    expect(byType('xã')).toBe(105);
    expect(units.find((u) => u.code === '86')?.name).toBe('Trung tâm Phục vụ hành chính công tỉnh Vĩnh Long');
  });

  it("agrees with the province's own list, code for code and name for name, diacritics intact", () => {
    const national = new Map(loadUnitCatalogue('86').map((u) => [u.code, u.name]));
    const own = readVinhLongCommuneList();
    expect(own).toHaveLength(124);
    for (const row of own) expect(national.get(row.commune_code)).toBe(row.commune_name);
    expect(national.get('28756')).toBe('Phường Phú Khương');
  });

  it('covers the country: 3,321 communes and 34 provincial centres, codes unique', () => {
    const units = loadUnitCatalogue('all');
    expect(units.filter((u) => u.divisionType !== 'tỉnh')).toHaveLength(3321);
    expect(units.filter((u) => u.divisionType === 'tỉnh')).toHaveLength(34);
    expect(new Set(units.map((u) => u.code)).size).toBe(units.length);
  });

  it('names every province back from its centre (libs/domain province-name)', () => {
    const centres = loadUnitCatalogue('all').filter((u) => u.divisionType === 'tỉnh');
    const names = centres.map((c) => provinceDisplayName(c.code, c.name));
    expect(names.filter((n) => !/^(Tỉnh|Thành phố) \p{Lu}/u.test(n))).toEqual([]);
    expect(names).toContain('Tỉnh Vĩnh Long');
    expect(names).toContain('Thành phố Hà Nội');
  });
});
