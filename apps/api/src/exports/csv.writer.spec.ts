import { toCsv } from './csv.writer';
import { localTimestamp, percent } from './export-table';

describe('toCsv', () => {
  it('writes RFC 4180 with a UTF-8 BOM, CRLF line ends and quoted fields where needed', () => {
    const csv = toCsv({
      title: 'Báo cáo',
      preamble: [['Kỳ báo cáo', '2025-07-01 đến 2025-07-31']],
      headers: ['Mã đơn vị', 'Tên đơn vị', 'Tỷ lệ (%)'],
      rows: [
        ['28756', 'Phường Phú Khương', 75],
        ['x', 'Tên có "ngoặc", dấu phẩy', null],
      ],
    });
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3).toString('utf8')).toBe(
      'Báo cáo\r\nKỳ báo cáo,2025-07-01 đến 2025-07-31\r\n\r\nMã đơn vị,Tên đơn vị,Tỷ lệ (%)\r\n' +
        '28756,Phường Phú Khương,75\r\nx,"Tên có ""ngoặc"", dấu phẩy",\r\n',
    );
  });
});

describe('percent and localTimestamp', () => {
  it.each([
    [null, null],
    [0.6, 60],
    [2 / 3, 66.67],
    [57 / 800, 7.13],
    [1, 100],
  ])('percent(%p) = %p', (rate, expected) => {
    expect(percent(rate)).toBe(expected);
  });

  it('writes an instant in local time with its offset', () => {
    expect(localTimestamp(Date.parse('2025-07-31T17:30:05Z'))).toBe('2025-08-01T00:30:05+07:00');
  });
});
