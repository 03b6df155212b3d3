import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { redactCredentials } from '@tthc/platform';
import { isSecretSetting } from './secret-setting';

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SettingsError';
  }
}

/**
 * One line per bad setting, showing the value as it was written (not as converted), except a
 * secret's (only its length) and a URL's password.
 */
function describe(cls: new () => object, errors: ValidationError[], env: Record<string, string | undefined>): string[] {
  return errors.map((e) => {
    const raw = env[e.property];
    const shown = raw === undefined ? 'not set' : isSecretSetting(cls, e.property) ? `set, ${raw.length} characters, value not shown` : `got ${JSON.stringify(redactCredentials(raw))}`;
    const rules = Object.values(e.constraints ?? {}).map((msg) => msg.replace(new RegExp(`^${e.property} `), ''));
    return `${e.property}: ${rules.join('; ')} (${shown})`;
  });
}

/** A settings class may check rules that involve several settings; each problem names its setting. */
export interface CrossCheckedSettings {
  crossCheck(): string[];
}

const hasCrossChecks = (s: object): s is CrossCheckedSettings => typeof (s as Partial<CrossCheckedSettings>).crossCheck === 'function';

/**
 * Reads a settings class from environment-style variables and validates it at start-up,
 * failing with one message that names every missing or bad setting. Taking `env` as an
 * argument (not reading `process.env` here) lets tests run several apps side by side.
 */
export function loadSettings<T extends object>(cls: new () => T, env: Record<string, string | undefined>): T {
  const settings = plainToInstance(cls, env, { exposeDefaultValues: true, excludeExtraneousValues: false });
  const errors = validateSync(settings, { whitelist: false, forbidUnknownValues: false });
  const problems = describe(cls, errors, env);
  // Rules that span settings (API_KEYS against TTHC_ENV, say) run once each field is valid on its own.
  if (problems.length === 0 && hasCrossChecks(settings)) problems.push(...settings.crossCheck());
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
