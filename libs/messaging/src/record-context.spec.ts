import { recordContext } from './record-context';

describe('recordContext', () => {
  it('names a JSON event by its ids and its position', () => {
    const value = Buffer.from(JSON.stringify({ eventId: 'e-1', dossierId: 'd-1', unitCode: '28756' }));
    expect(recordContext('t', 2, { offset: '41', key: Buffer.from('d-1'), value })).toEqual({
      topic: 't',
      partition: 2,
      offset: '41',
      key: 'd-1',
      eventId: 'e-1',
      dossierId: 'd-1',
    });
  });

  it.each([
    ['not JSON', Buffer.from('{"eventId": "e-1"')],
    ['JSON without ids', Buffer.from('[1,2]')],
    ['ids of the wrong type', Buffer.from('{"eventId": 7, "dossierId": null}')],
    ['no value (a tombstone)', null],
  ])('still names a record whose value is %s by its position and key', (_name, value) => {
    expect(recordContext('t', 0, { offset: '7', key: null, value })).toEqual({ topic: 't', partition: 0, offset: '7', key: null });
  });

  it('bounds what it copies from a record into a log line', () => {
    const long = 'x'.repeat(1_000);
    const c = recordContext('t', 0, { offset: '1', key: long, value: JSON.stringify({ eventId: long }) });
    expect(c.key).toHaveLength(128);
    expect(c.eventId).toHaveLength(128);
    const huge = JSON.stringify({ eventId: 'e', pad: 'y'.repeat(70_000) });
    expect(recordContext('t', 0, { offset: '1', value: huge }).eventId).toBeUndefined();
  });
});
