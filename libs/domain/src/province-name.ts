/**
 * The provincial public administrative service centre is a unit of its own, named after its
 * province ("Trung tâm Phục vụ hành chính công tỉnh Vĩnh Long"), and it is the only place the
 * catalogue keeps the province's name. Both directions live here so that the catalogue, the
 * alert texts, the API and the exports name a province the same way (issue 14: two
 * implementations disagreed on "thành phố Hà Nội").
 */
const CENTRE_PREFIX = 'Trung tâm Phục vụ hành chính công ';

/** "Tỉnh Vĩnh Long" → "Trung tâm Phục vụ hành chính công tỉnh Vĩnh Long". */
export function serviceCentreName(provinceName: string): string {
  return `${CENTRE_PREFIX}${provinceName.charAt(0).toLocaleLowerCase('vi')}${provinceName.slice(1)}`;
}

/**
 * The province's own name ("Tỉnh Vĩnh Long", "Thành phố Hà Nội") from its centre's name;
 * `Tỉnh <code>` when the catalogue has no centre of that name.
 */
export function provinceDisplayName(provinceCode: string, centreName: string | undefined): string {
  if (!centreName?.startsWith(CENTRE_PREFIX)) return `Tỉnh ${provinceCode}`;
  const name = centreName.slice(CENTRE_PREFIX.length);
  return `${name.charAt(0).toLocaleUpperCase('vi')}${name.slice(1)}`;
}
