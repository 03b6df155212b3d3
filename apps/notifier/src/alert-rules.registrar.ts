import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AlertRule } from '@tthc/domain';
import { UnitDirectory } from '@tthc/infrastructure';
import { saveAlertRules } from '@tthc/persistence';
import { AlertRulesError, ruleDefinition } from './alert-rules.config';
import { ALERT_RULES } from './alert-rules.token';

/**
 * At start-up, once the catalogue is loaded: override units must exist (a typo would silently
 * leave a unit on the default target), and the rules in force are recorded for the API.
 */
@Injectable()
export class AlertRulesRegistrar implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly units: UnitDirectory,
    @Inject(ALERT_RULES) private readonly rules: AlertRule[],
  ) {}

  async onModuleInit(): Promise<void> {
    await this.units.refresh();
    const unknown = this.rules.flatMap((r, i) => r.overrides.flatMap((o, j) => (this.units.has(o.unitCode) ? [] : [`ALERT_RULES[${i}].overrides[${j}].unitCode: unknown unit ${o.unitCode}`])));
    if (unknown.length > 0) throw new AlertRulesError(unknown);
    await saveAlertRules(
      this.dataSource,
      this.rules.map((r) => ({ id: r.id, definition: ruleDefinition(r) })),
    );
  }
}
