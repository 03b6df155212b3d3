import type { AlertTransition } from './alert-lifecycle';
import { recordedRule, transitionRecord } from './transition-record';

const ack: AlertTransition = {
  alertId: 'a-1',
  kind: 'ACKNOWLEDGED',
  from: 'OPEN',
  to: 'ACKNOWLEDGED',
  at: 0,
  value: 0.724,
  sampleSize: 50,
  gap: 0.076,
  target: 0.8,
  silenced: false,
  notify: true,
  actor: 'local-operator',
};

describe('transitionRecord', () => {
  it('words the transition with the unit, the rule’s own window and the figure, and keeps the window bounds', () => {
    const rule = recordedRule({ metric: 'onlineRate', comparison: 'below', target: 0.8, windowName: 'monthToDate' });
    const r = transitionRecord(ack, { unitName: 'Phường Phú Khương', rule, window: { from: '2025-07-01', to: '2025-07-31' } });
    expect(r).toEqual({
      ...ack,
      message: 'Đã tiếp nhận — Phường Phú Khương: tỷ lệ hồ sơ trực tuyến từ đầu tháng 72,40% < mục tiêu 80%',
      windowFrom: '2025-07-01',
      windowTo: '2025-07-31',
    });
  });

  it('records no window when none was recorded', () => {
    const rule = recordedRule({ metric: 'overdueOpen', comparison: 'above', target: 10, windowName: 'rolling30d' });
    expect(transitionRecord({ ...ack, value: 12 }, { unitName: 'Xã Tân Phú', rule, window: null })).toMatchObject({ windowFrom: null, windowTo: null });
  });
});

describe('recordedRule', () => {
  it.each([
    [
      { metric: 'onlineRate', comparison: 'below', target: 0.8, windowName: 'rolling7d' },
      { kind: 'rolling', days: 7 },
    ],
    [{ metric: 'onTimeRate', comparison: 'below', target: 0.9, windowName: 'quarterToDate' }, { kind: 'quarterToDate' }],
  ])('reads %j', (row, window) => {
    expect(recordedRule(row)).toEqual({ metric: row.metric, comparison: row.comparison, target: row.target, window });
  });

  it.each([
    { metric: 'onlineRate', comparison: 'below', target: 0.8, windowName: 'weekly' },
    { metric: 'onlineRatio', comparison: 'below', target: 0.8, windowName: 'rolling30d' },
    { metric: 'onlineRate', comparison: 'under', target: 0.8, windowName: 'rolling30d' },
  ])('refuses %j rather than guess', (row) => {
    expect(() => recordedRule(row)).toThrow(/no configuration can produce/);
  });
});
