import { type AlertRule, DEFAULT_ALERT_RULES, ruleDefaults } from './alert-rule';
import { alertText, gapText, ruleConditionText } from './alert-text';

/** The channel-share rule (PRODUCT.md's default until issue 15, still available). */
const online: AlertRule = { id: 'online-rate-30d', metric: 'onlineRate', ...ruleDefaults('onlineRate'), overrides: [] };
const onTime = DEFAULT_ALERT_RULES[1];
const overdue: AlertRule = { ...online, metric: 'overdueOpen', comparison: 'above', target: 10 };

describe('alertText', () => {
  it.each<[string, AlertRule, Parameters<typeof alertText>[0]['kind'], number | null, string]>([
    ['Phường Phú Khương', online, 'FIRED', 0.724, 'Phường Phú Khương: tỷ lệ hồ sơ trực tuyến 30 ngày 72,40% < mục tiêu 80%'],
    ['Xã Tân Hòa', onTime, 'FIRED', 0.7951, 'Xã Tân Hòa: tỷ lệ hồ sơ giải quyết đúng hạn 30 ngày 79,51% < mục tiêu 80%'],
    ['Xã Tân Hòa', online, 'RESOLVED', 0.83, 'Đã phục hồi — Xã Tân Hòa: tỷ lệ hồ sơ trực tuyến 30 ngày 83,00% ≥ mục tiêu 80%'],
    ['Xã Tân Hòa', { ...online, target: 0.825 }, 'FIRED', 0.5, 'Xã Tân Hòa: tỷ lệ hồ sơ trực tuyến 30 ngày 50,00% < mục tiêu 82,5%'],
    ['Xã Tân Hòa', online, 'WORSENED', 0.6, 'Tiếp tục giảm — Xã Tân Hòa: tỷ lệ hồ sơ trực tuyến 30 ngày 60,00% < mục tiêu 80%'],
    ['Xã Tân Hòa', online, 'ACKNOWLEDGED', 0.6, 'Đã tiếp nhận — Xã Tân Hòa: tỷ lệ hồ sơ trực tuyến 30 ngày 60,00% < mục tiêu 80%'],
    ['Xã Tân Hòa', { ...online, window: { kind: 'monthToDate' } }, 'FIRED', 0.6, 'Xã Tân Hòa: tỷ lệ hồ sơ trực tuyến từ đầu tháng 60,00% < mục tiêu 80%'],
    ['Tỉnh Vĩnh Long', { ...online, window: { kind: 'quarterToDate' } }, 'FIRED', 0.5166, 'Tỉnh Vĩnh Long: tỷ lệ hồ sơ trực tuyến từ đầu quý 51,66% < mục tiêu 80%'],
    ['Xã Tân Hòa', overdue, 'FIRED', 12, 'Xã Tân Hòa: số hồ sơ quá hạn chưa giải quyết 12 > ngưỡng 10'],
    ['Xã Tân Hòa', overdue, 'RESOLVED', 7, 'Đã phục hồi — Xã Tân Hòa: số hồ sơ quá hạn chưa giải quyết 7 ≤ ngưỡng 10'],
  ])('%s %s %s %s', (unitName, rule, kind, value, expected) => {
    expect(alertText({ unitName, rule, kind, value })).toBe(expected);
  });
});

describe('ruleConditionText and gapText (grouped notifications)', () => {
  it.each<[AlertRule, string]>([
    [online, 'tỷ lệ hồ sơ trực tuyến 30 ngày dưới mục tiêu 80%'],
    [{ ...onTime, target: 0.825, window: { kind: 'monthToDate' } }, 'tỷ lệ hồ sơ giải quyết đúng hạn từ đầu tháng dưới mục tiêu 82,5%'],
    [overdue, 'số hồ sơ quá hạn chưa giải quyết trên ngưỡng 10'],
  ])('%#: %s', (rule, expected) => {
    expect(ruleConditionText(rule)).toBe(expected);
  });

  it.each<[AlertRule, number, number, string]>([
    [online, 0.4612, 0.8, 'thấp hơn mục tiêu 33,88 điểm %'],
    // 57/800 shows as 7,13%: the gap is 80 − 7,13 as shown, not the exact 72,875 rounded up.
    [online, 57 / 800, 0.8, 'thấp hơn mục tiêu 72,87 điểm %'],
    [online, 0.5, 0.825, 'thấp hơn mục tiêu 32,50 điểm %'],
    [{ ...online, comparison: 'above', target: 0.2 }, 0.25, 0.2, 'cao hơn mục tiêu 5,00 điểm %'],
    [overdue, 15, 10, 'vượt ngưỡng 5'],
  ])('%#: %s', (rule, value, target, expected) => {
    expect(gapText(rule, value, target)).toBe(expected);
  });
});
