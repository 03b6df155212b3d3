import { LOCAL_UTC_OFFSET_MS, percentPoints } from '@tthc/domain';

/**
 * A report as auditors download it (issue 4): a preamble that states what it covers and when it
 * was made, then one header row and the data rows. Writers for CSV and XLSX render the same table.
 */
export interface ExportTable {
  title: string;
  preamble: [label: string, value: string][];
  headers: string[];
  rows: (string | number | null)[][];
}

/** Figures every row carries, in this order, with Vietnamese headers. */
export const FIGURE_HEADERS = [
  'Tiếp nhận',
  'Trực tuyến',
  'Trực tiếp',
  'Tỷ lệ trực tuyến (%)',
  'Đã giải quyết',
  'Đúng hạn',
  'Trễ hạn',
  'Tỷ lệ đúng hạn (%)',
  'Quá hạn đang mở',
  'Trong hạn đang mở',
  'Tử số 766',
  'Mẫu số 766',
  'Tỷ lệ 766 (%)',
];

export interface ExportFigures {
  receivedTotal: number;
  receivedOnline: number;
  receivedDirect: number;
  onlineRate: number | null;
  resolvedTotal: number;
  resolvedOnTime: number;
  resolvedLate: number;
  onTimeRate: number | null;
  overdueOpen: number;
  openWithinDeadline: number;
  progress766Numerator: number;
  progress766Denominator: number;
  progressRate766: number | null;
}

/** A ratio in percentage points as the screens show it (a number, so a spreadsheet can compute with it); empty when there is none. */
function percent(rate: number | null): number | null {
  return rate === null ? null : percentPoints(rate);
}

export function figureCells(m: ExportFigures): (number | null)[] {
  return [
    m.receivedTotal,
    m.receivedOnline,
    m.receivedDirect,
    percent(m.onlineRate),
    m.resolvedTotal,
    m.resolvedOnTime,
    m.resolvedLate,
    percent(m.onTimeRate),
    m.overdueOpen,
    m.openWithinDeadline,
    m.progress766Numerator,
    m.progress766Denominator,
    percent(m.progressRate766),
  ];
}

/** An instant in Vietnamese local time with its offset, e.g. `2025-07-31T12:00:00+07:00`. */
export function localTimestamp(epochMs: number): string {
  return `${new Date(epochMs + LOCAL_UTC_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

export function periodPreamble(from: string, to: string, generatedAt: number, asOf: Date | null): ExportTable['preamble'] {
  return [
    ['Kỳ báo cáo', `${from} đến ${to}`],
    ['Thời điểm xuất', localTimestamp(generatedAt)],
    ['Dữ liệu tính đến', asOf ? localTimestamp(asOf.getTime()) : 'chưa có dữ liệu'],
  ];
}
