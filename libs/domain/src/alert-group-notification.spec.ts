import fc from 'fast-check';
import type { TransitionKind } from './alert-lifecycle';
import { GROUP_LISTS, type GroupRule, type GroupedTransition, TEXT_LINES_PER_LIST, groupNotification, takeForNotification } from './alert-group-notification';

const ONLINE: GroupRule = { id: 'online-rate-30d', metric: 'onlineRate', comparison: 'below', target: 0.8, window: { kind: 'rolling', days: 30 }, severity: 'warning', scope: 'unit' };
const OVERDUE: GroupRule = { id: 'overdue', metric: 'overdueOpen', comparison: 'above', target: 10, window: { kind: 'rolling', days: 30 }, severity: 'critical', scope: 'unit' };
const header = { notificationId: 7, sequence: 3, createdAt: '2025-07-31T05:00:00.000Z', breaching: 110, continues: false };

let nextId = 100;
function t(unitCode: string, unitName: string, kind: TransitionKind, value: number | null, extra: Partial<GroupedTransition> = {}): GroupedTransition {
  const state = kind === 'RESOLVED' ? 'RESOLVED' : kind === 'ACKNOWLEDGED' ? 'ACKNOWLEDGED' : 'OPEN';
  return {
    transitionId: nextId++,
    alertId: `alert-${unitCode}`,
    unitCode,
    unitName,
    kind,
    state,
    at: '2025-07-31T04:59:00.000Z',
    value,
    sampleSize: 40,
    target: 0.8,
    window: { from: '2025-07-02', to: '2025-07-31' },
    acknowledgedBy: null,
    note: null,
    message: `${kind} ${unitName}`,
    ...extra,
  };
}

describe('groupNotification', () => {
  it('lists each alert once, by what is new, worst gap first, with a Vietnamese text and the counts', () => {
    const log = [
      t('28840', 'Xã Tân Phú', 'FIRED', 0.5),
      t('28783', 'Phường Sơn Đông', 'WORSENED', 0.6),
      t('28777', 'Phường An Hội', 'FIRED', 0.321),
      t('28756', 'Phường Phú Khương', 'RESOLVED', 69 / 84),
      t('28789', 'Phường Bến Tre', 'ACKNOWLEDGED', 0.7, { acknowledgedBy: 'local-operator', note: 'Đã liên hệ UBND phường' }),
    ];
    const n = groupNotification(header, ONLINE, log);
    expect(n).toMatchObject({
      notificationId: 7,
      ruleId: 'online-rate-30d',
      sequence: 3,
      breaching: 110,
      continues: false,
      rule: { metric: 'onlineRate', comparison: 'below', target: 0.8, window: 'rolling30d', severity: 'warning', scope: 'unit' },
      counts: { fired: 2, worsened: 1, resolved: 1, acknowledged: 1 },
    });
    expect(n.fired.map((e) => e.unitCode)).toEqual(['28777', '28840']);
    expect(n.fired[0]).toMatchObject({ state: 'OPEN', kinds: ['FIRED'], transitionIds: [log[2].transitionId], value: 0.321, message: 'FIRED Phường An Hội' });
    expect(n.fired[0].gap).toBeCloseTo(0.479, 12);
    expect(n.acknowledged[0]).toMatchObject({ unitCode: '28789', acknowledgedBy: 'local-operator', note: 'Đã liên hệ UBND phường' });
    expect(n.transitionIds).toEqual(log.map((x) => x.transitionId));
    expect(n.title).toBe(
      'Cảnh báo: tỷ lệ hồ sơ trực tuyến 30 ngày dưới mục tiêu 80% — 2 đơn vị mới vi phạm, 1 đơn vị giảm thêm, 1 đơn vị đã phục hồi, 1 đơn vị đã được tiếp nhận; 110 đơn vị đang vi phạm',
    );
    expect(n.text.split('\n')).toEqual([
      n.title,
      '',
      'Mới vi phạm (2 đơn vị):',
      '• Phường An Hội (28777): 32,10%, thấp hơn mục tiêu 47,90 điểm %',
      '• Xã Tân Phú (28840): 50,00%, thấp hơn mục tiêu 30,00 điểm %',
      '',
      'Giảm thêm (1 đơn vị):',
      '• Phường Sơn Đông (28783): 60,00%, thấp hơn mục tiêu 20,00 điểm %',
      '',
      'Đã phục hồi (1 đơn vị):',
      '• Phường Phú Khương (28756): 82,14%',
      '',
      'Đã được tiếp nhận (1 đơn vị):',
      '• Phường Bến Tre (28789): local-operator — “Đã liên hệ UBND phường”',
    ]);
  });

  it.each<[string, TransitionKind[], string, string]>([
    ['fired and worsened in one interval: newly breaching, with its latest figure', ['FIRED', 'WORSENED'], 'fired', 'OPEN'],
    ['fired and recovered before the message went out: recovered', ['FIRED', 'RESOLVED'], 'resolved', 'RESOLVED'],
    ['a silence ended while it still breached: new to the receivers', ['UNSILENCED'], 'fired', 'OPEN'],
    ['worsened and acknowledged: worsened, with who acknowledged', ['WORSENED', 'ACKNOWLEDGED'], 'worsened', 'ACKNOWLEDGED'],
    ['acknowledged, then recovered', ['ACKNOWLEDGED', 'RESOLVED'], 'resolved', 'RESOLVED'],
  ])('%s', (_, kinds, list, state) => {
    const ts = kinds.map((k, i) => t('28840', 'Xã Tân Phú', k, 0.5 - i * 0.1, k === 'ACKNOWLEDGED' ? { acknowledgedBy: 'op' } : {}));
    const n = groupNotification(header, ONLINE, ts);
    const lists = GROUP_LISTS.filter((name) => n[name].length > 0);
    expect(lists).toEqual([list]);
    const [entry] = n[list as (typeof GROUP_LISTS)[number]];
    expect(entry).toMatchObject({ kinds, state, value: ts[ts.length - 1].value, transitionIds: ts.map((x) => x.transitionId) });
    if (kinds.includes('ACKNOWLEDGED')) expect(entry.acknowledgedBy).toBe('op');
  });

  it(`shows at most ${TEXT_LINES_PER_LIST} units per list in the text, every one in the structured list`, () => {
    const log = Array.from({ length: 105 }, (_, i) => t(String(28000 + i), `Xã ${i}`, 'FIRED', 0.3 + i / 1000));
    const n = groupNotification({ ...header, continues: true }, ONLINE, log);
    expect(n.fired).toHaveLength(105);
    const lines = n.text.split('\n');
    expect(lines.filter((l) => l.startsWith('• Xã'))).toHaveLength(TEXT_LINES_PER_LIST);
    expect(lines).toContain('• … và 85 đơn vị khác');
    expect(lines.at(-1)).toBe('Còn đơn vị khác: xem tin nhắn tiếp theo.');
  });

  it('words a count rule by its threshold', () => {
    const n = groupNotification({ ...header, breaching: 1 }, OVERDUE, [t('28840', 'Xã Tân Phú', 'FIRED', 15, { target: 10 })]);
    expect(n.title).toBe('Cảnh báo nghiêm trọng: số hồ sơ quá hạn chưa giải quyết trên ngưỡng 10 — 1 đơn vị mới vi phạm; 1 đơn vị đang vi phạm');
    expect(n.text.split('\n')[3]).toBe('• Xã Tân Phú (28840): 15, vượt ngưỡng 5');
  });

  it('covers every transition it is given exactly once, in exactly one list', () => {
    const kinds: TransitionKind[] = ['FIRED', 'WORSENED', 'ACKNOWLEDGED', 'UNSILENCED', 'RESOLVED'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom(...kinds), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 60 }), (raw) => {
        const log = raw.map(([u, k, v]) => t(String(28700 + u), `Xã ${u}`, k, v));
        const n = groupNotification(header, ONLINE, log);
        const covered = GROUP_LISTS.flatMap((name) => n[name].flatMap((e) => e.transitionIds)).sort((a, b) => a - b);
        expect(covered).toEqual(log.map((x) => x.transitionId));
        const alerts = GROUP_LISTS.flatMap((name) => n[name].map((e) => e.alertId));
        expect(new Set(alerts).size).toBe(alerts.length);
        expect(GROUP_LISTS.reduce((s, name) => s + n.counts[name], 0)).toBe(new Set(log.map((x) => x.alertId)).size);
      }),
    );
  });
});

describe('takeForNotification', () => {
  it('takes whole alerts, oldest first, up to the limit, and says when some must wait', () => {
    const log = ['a', 'b', 'a', 'c', 'b', 'd'].map((alertId, i) => ({ alertId, id: i }));
    expect(takeForNotification(log, 2)).toEqual({ taken: [log[0], log[1], log[2], log[4]], continues: true });
    expect(takeForNotification(log, 4)).toEqual({ taken: log, continues: false });
    expect(takeForNotification([], 1)).toEqual({ taken: [], continues: false });
  });
});
