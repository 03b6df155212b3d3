import { provinceDisplayName, serviceCentreName } from './province-name';

describe('province names', () => {
  it.each([
    ['86', 'Tỉnh Vĩnh Long', 'Trung tâm Phục vụ hành chính công tỉnh Vĩnh Long'],
    ['01', 'Thành phố Hà Nội', 'Trung tâm Phục vụ hành chính công thành phố Hà Nội'],
    ['79', 'Thành phố Hồ Chí Minh', 'Trung tâm Phục vụ hành chính công thành phố Hồ Chí Minh'],
  ])('%s: %s ⇄ %s', (code, province, centre) => {
    expect(serviceCentreName(province)).toBe(centre);
    expect(provinceDisplayName(code, centre)).toBe(province);
  });

  it('falls back to the code when the catalogue has no centre, or one named otherwise', () => {
    expect(provinceDisplayName('86', undefined)).toBe('Tỉnh 86');
    expect(provinceDisplayName('86', 'Phường Phú Khương')).toBe('Tỉnh 86');
  });
});
