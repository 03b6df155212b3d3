import 'reflect-metadata';
import { Type, plainToInstance } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Min, ValidateBy, ValidateNested, type ValidationError, validateSync } from 'class-validator';
import { ALERT_METRICS, type AlertMetric, type AlertRule, COMPARISONS, type Comparison, DEFAULT_ALERT_RULES, SEVERITIES, type Severity, parseWindowName, ruleDefaults, windowName } from '@tthc/domain';

/** A window name the domain can parse (`rollingNd`, `monthToDate`, `quarterToDate`). */
const IsWindowName = () =>
  ValidateBy({
    name: 'isWindowName',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && parseWindowName(v) !== undefined,
      defaultMessage: () => 'window must be rollingNd (N = 1..999), monthToDate or quarterToDate',
    },
  });

const DURATION_RE = /^(\d{1,7})(ms|s|m|h|d)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

class UnitOverrideDto {
  @IsString()
  @Matches(/^[0-9A-Za-z][0-9A-Za-z._-]*$/)
  unitCode!: string;

  @IsOptional()
  @IsNumber()
  @Min(0)
  target?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  minSample?: number;

  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

/** One rule as written in ALERT_RULES. Omitted fields take the PRODUCT.md defaults for the metric. */
export class AlertRuleDto {
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/, { message: 'id must be 1–64 characters of a-z, 0-9, ., _, -' })
  id!: string;

  @IsIn(ALERT_METRICS, { message: `metric must be one of: ${ALERT_METRICS.join(', ')}` })
  metric!: AlertMetric;

  @IsOptional()
  @IsIn(COMPARISONS, { message: 'comparison must be below or above' })
  comparison?: Comparison;

  @IsOptional()
  @IsNumber()
  @Min(0)
  target?: number;

  @IsOptional()
  @IsString()
  @IsWindowName()
  window?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  minSample?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  recoveryMargin?: number;

  @IsOptional()
  @IsString()
  @Matches(DURATION_RE, { message: 'for must be a duration such as 0s, 90s, 15m, 2h, 1d' })
  for?: string;

  @IsOptional()
  @IsIn(SEVERITIES, { message: `severity must be one of: ${SEVERITIES.join(', ')}` })
  severity?: Severity;

  @IsOptional()
  @IsNumber()
  @Min(0)
  worseningStep?: number;

  @IsOptional()
  @IsIn(['unit', 'province'], { message: 'scope must be unit or province' })
  scope?: 'unit' | 'province';

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => UnitOverrideDto)
  overrides?: UnitOverrideDto[];
}

export class AlertRulesError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid ALERT_RULES:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AlertRulesError';
  }
}

function flatten(errors: ValidationError[], path: string): string[] {
  return errors.flatMap((e) => {
    const here = /^\d+$/.test(e.property) ? `${path}[${e.property}]` : `${path}.${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((m) => `${here}: ${m} (got ${JSON.stringify(e.value)})`);
    return [...own, ...flatten(e.children ?? [], here)];
  });
}

function toRule(d: AlertRuleDto): AlertRule {
  const defaults = ruleDefaults(d.metric);
  const duration = d.for === undefined ? undefined : DURATION_RE.exec(d.for)!;
  return {
    id: d.id,
    metric: d.metric,
    comparison: d.comparison ?? defaults.comparison,
    target: d.target ?? defaults.target,
    window: d.window === undefined ? defaults.window : parseWindowName(d.window)!,
    minSample: d.minSample ?? defaults.minSample,
    recoveryMargin: d.recoveryMargin ?? defaults.recoveryMargin,
    forMs: duration ? Number(duration[1]) * DURATION_MS[duration[2]] : defaults.forMs,
    severity: d.severity ?? defaults.severity,
    worseningStep: d.worseningStep ?? defaults.worseningStep,
    scope: d.scope ?? defaults.scope,
    overrides: (d.overrides ?? []).map((o) => ({ unitCode: o.unitCode, target: o.target, minSample: o.minSample, disabled: o.disabled })),
  };
}

/** Checks only a whole rule can fail: rates live in 0..1, ids and override units are unique. */
function crossChecks(rules: AlertRule[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const at = `ALERT_RULES[${i}]`;
    if (seen.has(r.id)) problems.push(`${at}.id: "${r.id}" is used by an earlier rule`);
    seen.add(r.id);
    const isRate = r.metric !== 'overdueOpen';
    if (isRate && r.target > 1) problems.push(`${at}.target: a rate target is a ratio 0..1, e.g. 0.8 for 80 % (got ${r.target})`);
    if (isRate && r.recoveryMargin > 1) problems.push(`${at}.recoveryMargin: a ratio 0..1, e.g. 0.02 for 2 points (got ${r.recoveryMargin})`);
    if (isRate && r.worseningStep > 1) problems.push(`${at}.worseningStep: a ratio 0..1, e.g. 0.05 for 5 points (got ${r.worseningStep})`);
    const units = new Set<string>();
    r.overrides.forEach((o, j) => {
      if (units.has(o.unitCode)) problems.push(`${at}.overrides[${j}].unitCode: ${o.unitCode} is overridden twice`);
      units.add(o.unitCode);
      if (isRate && o.target !== undefined && o.target > 1) problems.push(`${at}.overrides[${j}].target: a rate target is a ratio 0..1 (got ${o.target})`);
    });
    if (r.scope === 'province' && r.overrides.length > 0) problems.push(`${at}.overrides: a province rule has no per-unit overrides`);
  });
  return problems;
}

/**
 * ALERT_RULES → rules, validated at start-up with one error naming every bad field
 * (e.g. `ALERT_RULES[1].target: a rate target is a ratio 0..1 …`). Unset or blank: the defaults.
 */
export function parseAlertRules(json: string | undefined): AlertRule[] {
  if (json === undefined || json.trim() === '') return DEFAULT_ALERT_RULES.map((r) => ({ ...r, overrides: [...r.overrides] }));
  let plain: unknown;
  try {
    plain = JSON.parse(json);
  } catch (e) {
    throw new AlertRulesError([`ALERT_RULES: not JSON (${(e as Error).message})`]);
  }
  if (!Array.isArray(plain) || plain.length === 0) throw new AlertRulesError(['ALERT_RULES: must be a non-empty JSON array of rules']);
  const problems: string[] = [];
  const dtos = plain.map((p, i) => {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) {
      problems.push(`ALERT_RULES[${i}]: must be an object`);
      return undefined;
    }
    const dto = plainToInstance(AlertRuleDto, p);
    problems.push(...flatten(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }), `ALERT_RULES[${i}]`));
    return dto;
  });
  if (problems.length > 0) throw new AlertRulesError(problems);
  const rules = (dtos as AlertRuleDto[]).map(toRule);
  const cross = crossChecks(rules);
  if (cross.length > 0) throw new AlertRulesError(cross);
  return rules;
}

/** A rule as stored in alert_rules for the API and auditors (durations in ms, windows by name). */
export function ruleDefinition(r: AlertRule): Record<string, unknown> {
  return { ...r, window: windowName(r.window) };
}
