import { type AlertRule, ruleForUnit } from '@tthc/domain';

/** One subject of a rule: a unit, or a province's totals over its units. */
export interface RuleSubject {
  /** The unit's code, or the province's (the code its service centre carries too). */
  code: string;
  name: string;
  /** The rule as it applies to this subject (a unit's override folded in). */
  rule: AlertRule;
  /** The units whose figures make the subject's: the unit itself, or the province's units. */
  members: string[];
}

/** What the stage needs of the unit catalogue (infrastructure's UnitDirectory). */
export interface SubjectCatalogue {
  get(code: string): { provinceCode: string } | undefined;
  nameOf(code: string): string;
  provinceName(provinceCode: string): string;
}

/**
 * The first stage of an evaluation: which unit × rule (and province × rule) pairs to judge.
 * Units left out by an override are skipped; province rules are judged only when `withProvince`
 * (the clock tick, which sees every unit: a province's totals need all of them).
 */
export function ruleSubjects(rules: readonly AlertRule[], unitCodes: readonly string[], catalogue: SubjectCatalogue, withProvince: boolean): RuleSubject[] {
  const out: RuleSubject[] = [];
  for (const code of unitCodes) {
    for (const base of rules) {
      if (base.scope !== 'unit') continue;
      const rule = ruleForUnit(base, code);
      if (rule) out.push({ code, name: catalogue.nameOf(code), rule, members: [code] });
    }
  }
  const provinceRules = withProvince ? rules.filter((r) => r.scope === 'province') : [];
  if (provinceRules.length === 0) return out;
  const byProvince = new Map<string, string[]>();
  for (const code of unitCodes) {
    const province = catalogue.get(code)?.provinceCode;
    if (province) byProvince.set(province, [...(byProvince.get(province) ?? []), code]);
  }
  for (const [province, members] of byProvince) {
    for (const rule of provinceRules) out.push({ code: province, name: catalogue.provinceName(province), rule, members });
  }
  return out;
}
