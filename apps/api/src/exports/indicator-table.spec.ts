import { indicatorFigures, zeroPeriodIndicatorCounts } from '@tthc/domain';
import { INDICATOR_HEADERS, indicatorCells } from './indicator-table';

describe('the indicators export table', () => {
  const f = indicatorFigures({
    ...zeroPeriodIndicatorCounts(),
    receivedTotal: 800,
    receivedOnline: 57,
    receivedDirect: 743,
    receivedV2: 800,
    fullyOnline: 57,
    resolvedTotal: 3,
    resolvedOnTime: 2,
    resolvedLate: 1,
    handlingCount: 3,
    handlingMsSum: 4 * 86_400_000,
  });
  const cells = indicatorCells(f);
  const cell = (header: string) => cells[INDICATOR_HEADERS.indexOf(header)];

  it('has one header per cell, every one in Vietnamese and distinct', () => {
    expect(cells).toHaveLength(INDICATOR_HEADERS.length);
    expect(new Set(INDICATOR_HEADERS).size).toBe(INDICATOR_HEADERS.length);
  });

  it('writes rates as percentage points rounded as the screens do (57/800 → 7.13), averages to two decimals, empty without a denominator', () => {
    expect(cell('Tiếp nhận')).toBe(800);
    expect(cell('Tỷ lệ toàn trình trực tuyến (%)')).toBe(7.13);
    expect(cell('Tỷ lệ trước và đúng hạn (%)')).toBe(66.67);
    expect(cell('Thời gian xử lý trung bình (ngày)')).toBe(1.33);
    expect(cell('Tỷ lệ hài lòng (%)')).toBeNull();
    expect(cell('Mức độ hài lòng (điểm)')).toBeNull();
  });
});
