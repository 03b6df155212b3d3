import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { serviceCentreName } from '@tthc/domain';

export interface CatalogueUnit {
  code: string;
  name: string;
  /** `phường`, `xã`, `đặc khu`, or `tỉnh` for the provincial service centre. */
  divisionType: string;
  provinceCode: string;
}

export const VINH_LONG_PROVINCE_CODE = '86';

/** The data ships next to the code; the build copies it into dist beside the compiled files. */
const DATA_DIR = join(__dirname, '..', 'data');

interface NationalRow {
  province_code: string;
  province_name: string;
  commune_code: string;
  commune_name: string;
  division_type: string;
}

function readNational(): NationalRow[] {
  // csv-parse types its result `any`; with `columns: true` each row is an object keyed by the header.
  return parse(readFileSync(join(DATA_DIR, 'vietnam-communes-2025.csv')), { columns: true, skip_empty_lines: true, trim: true }) as NationalRow[];
}

/**
 * The unit catalogue of one province (or of the whole country for `'all'`):
 * its communes plus one provincial public administrative service centre per province, coded
 * with the province's NSO code.
 */
export function loadUnitCatalogue(provinceCode: string = VINH_LONG_PROVINCE_CODE): CatalogueUnit[] {
  const rows = readNational().filter((r) => provinceCode === 'all' || r.province_code === provinceCode);
  if (rows.length === 0) throw new Error(`no communes for province code "${provinceCode}" in the catalogue data`);
  const provinces = new Map<string, string>();
  const units: CatalogueUnit[] = rows.map((r) => {
    provinces.set(r.province_code, r.province_name);
    return { code: r.commune_code, name: r.commune_name, divisionType: r.division_type, provinceCode: r.province_code };
  });
  for (const [code, name] of provinces) {
    units.push({
      code,
      name: serviceCentreName(name),
      divisionType: 'tỉnh',
      provinceCode: code,
    });
  }
  return units;
}

/** The province's own commune list, as published separately (used to cross-check the national file). */
export function readVinhLongCommuneList(): { commune_code: string; commune_name: string; division_type: string }[] {
  return parse(readFileSync(join(DATA_DIR, 'vinh-long-communes.csv')), { columns: true, skip_empty_lines: true, trim: true }) as {
    commune_code: string;
    commune_name: string;
    division_type: string;
  }[];
}
