import type { ExportTable } from './export-table';

const BOM = '\uFEFF';

function field(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * RFC 4180 (CRLF line ends, quotes doubled) with a UTF-8 byte-order mark: without the BOM, Excel
 * reads a CSV in the machine's ANSI code page and garbles Vietnamese names ("PhÆ°á»ng").
 * The preamble rows come first, then an empty row, then the header and the data.
 */
export function toCsv(table: ExportTable): Buffer {
  const lines = [[table.title], ...table.preamble, [], table.headers, ...table.rows].map((row) => row.map(field).join(','));
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
