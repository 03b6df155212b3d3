import { toCsv } from './csv.writer';
import { figureCells, localTimestamp } from './export-table';

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
      'Báo cáo\r\nKỳ báo cáo,2025-07-01 đến 2025-07-31\r\n\r\nMã đơn vị,Tên đơn vị,Tỷ lệ (%)\r\n' + '28756,Phường Phú Khương,75\r\nx,"Tên có ""ngoặc"", dấu phẩy",\r\n',
    );
  });
});

describe('figure cells and localTimestamp', () => {
  const counts = {
    receivedTotal: 0,
    receivedOnline: 0,
    receivedDirect: 0,
    resolvedTotal: 0,
    resolvedOnTime: 0,
    resolvedLate: 0,
    overdueOpen: 0,
    openWithinDeadline: 0,
    progress766Numerator: 0,
    progress766Denominator: 0,
  };
  it.each([
    [null, null],
    [0.6, 60],
    [2 / 3, 66.67],
    [57 / 800, 7.13],
    [1, 100],
  ])('a rate of %p is the number %p in percentage points, in every rate column', (rate, expected) => {
    const cells = figureCells({ ...counts, onlineRate: rate, onTimeRate: rate, progressRate766: rate });
    expect([cells[3], cells[7], cells[12]]).toEqual([expected, expected, expected]);
  });

  it('writes an instant in local time with its offset', () => {
    expect(localTimestamp(Date.parse('2025-07-31T17:30:05Z'))).toBe('2025-08-01T00:30:05+07:00');
  });
});
