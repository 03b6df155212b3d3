import type { DossierFact, DossierState, ReceiptFact } from './dossier-fold';
import { endOfLocalDay, startOfLocalDay } from './local-day';
import { progress766Bucket, progress766Counts, progress766Figures, type Progress766Counts, type ProgressPeriod } from './progress-766';

const t = (iso: string): number => Date.parse(iso);
let n = 0;
const fact = (occurredAt: string, dueAt: string): DossierFact => ({ eventId: `e${++n}`, occurredAt: t(occurredAt), dueAt: t(dueAt) });
const receipt = (occurredAt: string, dueAt: string): ReceiptFact => ({ ...fact(occurredAt, dueAt), channel: 'ONLINE' });
const dossier = (parts: Partial<Pick<DossierState, 'receipt' | 'resolution' | 'lateFlag'>>): DossierState => ({
  unitCode: '28756',
  dossierId: `d${++n}`,
  procedureCode: '1.001612',
  ...parts,
});

// July 2025, judged at the end of 31 July local time (17:00Z on 31 July is 00:00 local on 1 August).
const JULY: ProgressPeriod = { start: startOfLocalDay('2025-07-01'), at: endOfLocalDay('2025-07-31') - 1 };

describe('progress766Bucket: which of the four buckets a dossier falls in for a period', () => {
  const cases: [string, DossierState, keyof Progress766Counts | undefined][] = [
    [
      'received and resolved in the period, at its deadline: on time',
      dossier({ receipt: receipt('2025-07-02T08:00:00+07:00', '2025-07-05T17:00:00+07:00'), resolution: fact('2025-07-05T17:00:00+07:00', '2025-07-05T17:00:00+07:00') }),
      'resolvedOnTime',
    ],
    [
      'resolved one second after its deadline: late',
      dossier({ receipt: receipt('2025-07-02T08:00:00+07:00', '2025-07-05T17:00:00+07:00'), resolution: fact('2025-07-05T17:00:01+07:00', '2025-07-05T17:00:00+07:00') }),
      'resolvedLate',
    ],
    [
      'received in June, open at the period start, resolved in July: processed in the period',
      dossier({ receipt: receipt('2025-06-20T08:00:00+07:00', '2025-07-03T17:00:00+07:00'), resolution: fact('2025-07-02T08:00:00+07:00', '2025-07-03T17:00:00+07:00') }),
      'resolvedOnTime',
    ],
    [
      'received and resolved in June: not in the period',
      dossier({ receipt: receipt('2025-06-20T08:00:00+07:00', '2025-06-25T17:00:00+07:00'), resolution: fact('2025-06-24T08:00:00+07:00', '2025-06-25T17:00:00+07:00') }),
      undefined,
    ],
    [
      'resolved at 23:59:59 local on 30 June (16:59:59Z): before the period',
      dossier({ receipt: receipt('2025-06-20T08:00:00+07:00', '2025-07-25T17:00:00+07:00'), resolution: fact('2025-06-30T16:59:59Z', '2025-07-25T17:00:00+07:00') }),
      undefined,
    ],
    [
      'resolved at 00:00 local on 1 July (17:00Z on 30 June): in the period',
      dossier({ receipt: receipt('2025-06-20T08:00:00+07:00', '2025-07-25T17:00:00+07:00'), resolution: fact('2025-06-30T17:00:00Z', '2025-07-25T17:00:00+07:00') }),
      'resolvedOnTime',
    ],
    ['open at the end, deadline in August: within deadline', dossier({ receipt: receipt('2025-07-20T08:00:00+07:00', '2025-08-05T17:00:00+07:00') }), 'openWithinDeadline'],
    ['open at the end and past its deadline: counts against the unit', dossier({ receipt: receipt('2025-07-02T08:00:00+07:00', '2025-07-10T17:00:00+07:00') }), 'openOverdue'],
    ['received in May and still open past due: carried over, counts against the unit', dossier({ receipt: receipt('2025-05-02T08:00:00+07:00', '2025-05-10T17:00:00+07:00') }), 'openOverdue'],
    ['deadline at the very last millisecond of the period: not yet past it', dossier({ receipt: receipt('2025-07-02T08:00:00+07:00', '2025-07-31T23:59:59.999+07:00') }), 'openWithinDeadline'],
    ['deadline one millisecond before the end: overdue', dossier({ receipt: receipt('2025-07-02T08:00:00+07:00', '2025-07-31T23:59:59.998+07:00') }), 'openOverdue'],
    [
      'flagged LATE by the source before its deadline: overdue',
      dossier({ receipt: receipt('2025-07-02T08:00:00+07:00', '2025-08-10T17:00:00+07:00'), lateFlag: fact('2025-07-30T08:00:00+07:00', '2025-08-10T17:00:00+07:00') }),
      'openOverdue',
    ],
    [
      'flagged LATE only after the period: within deadline at its end',
      dossier({ receipt: receipt('2025-07-02T08:00:00+07:00', '2025-08-10T17:00:00+07:00'), lateFlag: fact('2025-08-01T08:00:00+07:00', '2025-08-10T17:00:00+07:00') }),
      'openWithinDeadline',
    ],
    ['known only from a LATE flag in the period: open and overdue', dossier({ lateFlag: fact('2025-07-30T08:00:00+07:00', '2025-07-28T17:00:00+07:00') }), 'openOverdue'],
    [
      'received in the period, resolved in August past due: open and overdue at the end of July',
      dossier({ receipt: receipt('2025-07-02T08:00:00+07:00', '2025-07-10T17:00:00+07:00'), resolution: fact('2025-08-03T08:00:00+07:00', '2025-07-10T17:00:00+07:00') }),
      'openOverdue',
    ],
    ['received at 00:00 local on 1 August: after the period', dossier({ receipt: receipt('2025-07-31T17:00:00Z', '2025-08-05T17:00:00+07:00') }), undefined],
    ['only its RESOLVED arrived, in the period: resolved on time', dossier({ resolution: fact('2025-07-05T08:00:00+07:00', '2025-07-06T17:00:00+07:00') }), 'resolvedOnTime'],
  ];

  it.each(cases)('%s', (_name, state, expected) => {
    expect(progress766Bucket(state, JULY)).toBe(expected);
  });

  it('holds nothing for a period that has not begun', () => {
    const future = { start: startOfLocalDay('2025-08-01'), at: startOfLocalDay('2025-08-01') - 1 };
    expect(progress766Bucket(dossier({ receipt: receipt('2025-05-02T08:00:00+07:00', '2025-05-10T17:00:00+07:00') }), future)).toBeUndefined();
  });
});

describe('progress766Counts and progress766Figures', () => {
  it('computes a unit whose overdue open dossier lowers the 766 rate below its on-time rate', () => {
    // Two resolved on time, one late, one open within deadline, one open past due.
    const states = [
      dossier({ receipt: receipt('2025-07-01T08:00:00+07:00', '2025-07-04T17:00:00+07:00'), resolution: fact('2025-07-03T08:00:00+07:00', '2025-07-04T17:00:00+07:00') }),
      dossier({ receipt: receipt('2025-07-01T09:00:00+07:00', '2025-07-04T17:00:00+07:00'), resolution: fact('2025-07-04T08:00:00+07:00', '2025-07-04T17:00:00+07:00') }),
      dossier({ receipt: receipt('2025-07-01T10:00:00+07:00', '2025-07-04T17:00:00+07:00'), resolution: fact('2025-07-07T08:00:00+07:00', '2025-07-04T17:00:00+07:00') }),
      dossier({ receipt: receipt('2025-07-28T10:00:00+07:00', '2025-08-04T17:00:00+07:00') }),
      dossier({ receipt: receipt('2025-07-10T10:00:00+07:00', '2025-07-15T17:00:00+07:00') }),
      // Resolved in June: outside July altogether.
      dossier({ receipt: receipt('2025-06-10T10:00:00+07:00', '2025-06-15T17:00:00+07:00'), resolution: fact('2025-06-12T08:00:00+07:00', '2025-06-15T17:00:00+07:00') }),
    ];
    const counts = progress766Counts(states, JULY);
    expect(counts).toEqual({ resolvedOnTime: 2, resolvedLate: 1, openWithinDeadline: 1, openOverdue: 1 });
    // On-time rate 2/3 ≈ 66.7%; the 766 rate (2 + 1) / 5 = 60%: the overdue open dossier counts against the unit.
    expect(progress766Figures(counts)).toEqual({ openWithinDeadline: 1, progress766Numerator: 3, progress766Denominator: 5, progressRate766: 0.6 });
  });

  it('gives null where nothing was received or processed', () => {
    expect(progress766Figures(progress766Counts([], JULY))).toEqual({ openWithinDeadline: 0, progress766Numerator: 0, progress766Denominator: 0, progressRate766: null });
  });
});
