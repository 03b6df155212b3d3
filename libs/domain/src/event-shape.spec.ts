import type { DossierEvent } from './dossier-event';
import { checkDossierEventShape } from './event-shape';
import type { RejectionCode } from './rejection';

const VALID: DossierEvent = {
  eventId: '3f1c2b9e-8d4a-4c6f-9e21-5a7b8c9d0e1f',
  type: 'RECEIVED',
  dossierId: 'H59.28756-250710-0001',
  unitCode: '28756',
  procedureCode: '1.001612',
  occurredAt: Date.UTC(2025, 6, 10, 1),
  channel: 'ONLINE',
  dueAt: Date.UTC(2025, 6, 14, 10),
};

describe('checkDossierEventShape (the aggregator trusts nothing on the validated topic)', () => {
  it.each<[string, unknown, RejectionCode | undefined]>([
    ['a valid RECEIVED', VALID, undefined],
    ['a valid RESOLVED without channel', { ...VALID, type: 'RESOLVED', channel: undefined }, undefined],
    ['not an object', 'RECEIVED', 'MALFORMED_JSON'],
    ['null', null, 'MALFORMED_JSON'],
    ['an array', [VALID], 'MALFORMED_JSON'],
    ['an upper-case eventId (ingest writes lower case)', { ...VALID, eventId: VALID.eventId.toUpperCase() }, 'INVALID_FIELD'],
    ['an eventId that is not a UUID', { ...VALID, eventId: 'evt-1' }, 'INVALID_FIELD'],
    ['an unknown type', { ...VALID, type: 'OPENED' }, 'INVALID_FIELD'],
    ['no dossierId', { ...VALID, dossierId: undefined }, 'MISSING_FIELD'],
    ['a numeric dossierId', { ...VALID, dossierId: 7 }, 'INVALID_FIELD'],
    ['an empty dossierId', { ...VALID, dossierId: '' }, 'INVALID_FIELD'],
    ['a dossierId of 65 chars', { ...VALID, dossierId: 'x'.repeat(65) }, 'VALUE_TOO_LONG'],
    ['NUL in dossierId', { ...VALID, dossierId: 'a\u0000b' }, 'CONTROL_CHARACTER'],
    ['NUL in procedureCode', { ...VALID, procedureCode: '\u0000' }, 'CONTROL_CHARACTER'],
    ['a lone surrogate in procedureCode', { ...VALID, procedureCode: '1.\ud800' }, 'INVALID_UNICODE'],
    ['a unitCode with a space', { ...VALID, unitCode: '28 756' }, 'INVALID_FIELD'],
    ['a unitCode of 33 chars', { ...VALID, unitCode: '1'.repeat(33) }, 'VALUE_TOO_LONG'],
    ['occurredAt as an ISO string', { ...VALID, occurredAt: '2025-07-10T08:00:00+07:00' }, 'INVALID_FIELD'],
    ['occurredAt fractional', { ...VALID, occurredAt: 1.5 }, 'INVALID_FIELD'],
    ['dueAt beyond a safe integer', { ...VALID, dueAt: 2 ** 60 }, 'INVALID_FIELD'],
    ['occurredAt in 1970', { ...VALID, occurredAt: 0 }, 'INSTANT_OUT_OF_RANGE'],
    ['dueAt in 2100', { ...VALID, dueAt: Date.UTC(2100, 0, 2) }, 'INSTANT_OUT_OF_RANGE'],
    ['RECEIVED without a channel', { ...VALID, channel: undefined }, 'INVALID_FIELD'],
    ['RECEIVED with channel EMAIL', { ...VALID, channel: 'EMAIL' }, 'INVALID_FIELD'],
    ['RESOLVED carrying a channel (ingest drops it)', { ...VALID, type: 'RESOLVED' }, 'INVALID_FIELD'],
  ])('%s → %s', (_name, value, code) => {
    expect(checkDossierEventShape(value)?.code).toBe(code);
  });
});
