import ExcelJS from 'exceljs';
import type { ExportTable } from './export-table';

/** The same table as an Excel workbook: preamble, a bold frozen header row, percentages as numbers with two decimals. */
export async function toXlsx(table: ExportTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'TTHC monitor';
  const sheet = workbook.addWorksheet('Số liệu');
  sheet.addRow([table.title]).font = { bold: true, size: 13 };
  for (const row of table.preamble) sheet.addRow(row);
  sheet.addRow([]);
  const header = sheet.addRow(table.headers);
  header.font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: header.number }];
  for (const row of table.rows) sheet.addRow(row.map((v) => (v === null ? undefined : v)));
  table.headers.forEach((h, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = Math.max(12, h.length + 2);
    if (h.endsWith('(%)')) column.numFmt = '0.00';
  });
  sheet.getColumn(2).width = Math.max(sheet.getColumn(2).width ?? 12, 28);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
