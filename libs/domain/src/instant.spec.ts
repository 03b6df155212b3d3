import { isInstant, parseInstant } from './instant';

describe('parseInstant', () => {
  it('reads 2025-07-01T08:30:00+07:00 as 01:30 UTC', () => {
    expect(parseInstant('2025-07-01T08:30:00+07:00')).toBe(Date.UTC(2025, 6, 1, 1, 30));
  });

  it.each([
    ['Z', '2025-07-01T01:30:00Z', Date.UTC(2025, 6, 1, 1, 30)],
    ['+07:00', '2025-07-01T08:30:00+07:00', Date.UTC(2025, 6, 1, 1, 30)],
    ['-05:30', '2025-06-30T20:00:00-05:30', Date.UTC(2025, 6, 1, 1, 30)],
    ['+00:00', '2025-07-01T01:30:00+00:00', Date.UTC(2025, 6, 1, 1, 30)],
    ['milliseconds', '2025-07-01T08:30:00.123+07:00', Date.UTC(2025, 6, 1, 1, 30, 0, 123)],
    ['one fractional digit', '2025-07-01T08:30:00.5Z', Date.UTC(2025, 6, 1, 8, 30, 0, 500)],
    ['microseconds', '2025-07-01T08:30:00.123456Z', Date.UTC(2025, 6, 1, 8, 30, 0, 123)],
    ['minutes only', '2025-07-01T08:30+07:00', Date.UTC(2025, 6, 1, 1, 30)],
    ['local midnight crossing to the previous UTC day', '2025-07-01T00:00:00+07:00', Date.UTC(2025, 5, 30, 17, 0)],
    ['leap day', '2028-02-29T12:00:00Z', Date.UTC(2028, 1, 29, 12, 0)],
    ['last second of the year', '2025-12-31T23:59:59+07:00', Date.UTC(2025, 11, 31, 16, 59, 59)],
  ])('accepts %s: %s', (_name, value, expected) => {
    expect(parseInstant(value)).toBe(expected);
    expect(isInstant(value)).toBe(true);
  });

  it.each([
    ['no offset', '2025-07-01T08:30:00'],
    ['no offset, minutes only', '2025-07-01T08:30'],
    ['date only', '2025-07-01'],
    ['30 February', '2025-02-30T00:00:00Z'],
    ['29 February in a common year', '2025-02-29T00:00:00Z'],
    ['month 13', '2025-13-01T00:00:00Z'],
    ['hour 25', '2025-07-01T25:00:00Z'],
    ['hour 24', '2025-07-01T24:00:00Z'],
    ['minute 60', '2025-07-01T08:60:00Z'],
    ['second 60', '2025-07-01T08:30:60Z'],
    ['offset without colon', '2025-07-01T08:30:00+0700'],
    ['offset hours only', '2025-07-01T08:30:00+07'],
    ['offset minutes 60', '2025-07-01T08:30:00+07:60'],
    ['offset beyond ±18h', '2025-07-01T08:30:00+19:00'],
    ['lower-case z', '2025-07-01T08:30:00z'],
    ['space instead of T', '2025-07-01 08:30:00Z'],
    ['non-padded fields', '2025-7-1T8:30:00Z'],
    ['trailing garbage', '2025-07-01T08:30:00Zjunk'],
    ['leading space', ' 2025-07-01T08:30:00Z'],
    ['garbage', 'not a date'],
    ['empty string', ''],
    ['epoch number as string', '1751333400000'],
  ])('rejects %s: %j', (_name, value) => {
    expect(parseInstant(value)).toBeUndefined();
    expect(isInstant(value)).toBe(false);
  });
});

describe('isInstant', () => {
  it.each([[undefined], [null], [1751333400000], [new Date(0)], [{}], [['2025-07-01T08:30:00Z']]])('is false for the non-string %p', (value) => {
    expect(isInstant(value)).toBe(false);
  });
});
