import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { redactUrl } from '@tthc/platform';

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SettingsError';
  }
}

/** Settings whose values are credentials through and through. */
const SECRET_SETTING = /(KEYS?|SECRET|PASSWORD|TOKEN)$/;


/** One line per bad setting, showing the value as it was written (not as converted). */
function describe(errors: ValidationError[], env: Record<string, string | undefined>): string[] {
  return errors.map((e) => {
    const raw = env[e.property];
    // A bad value is shown so it can be fixed, but never a secret: these lines reach the logs.
    const shown = raw === undefined ? 'not set' : SECRET_SETTING.test(e.property) ? 'set; value hidden' : `got ${JSON.stringify(redactUrl(raw))}`;
    const rules = Object.values(e.constraints ?? {}).map((msg) => msg.replace(new RegExp(`^${e.property} `), ''));
    return `${e.property}: ${rules.join('; ')} (${shown})`;
  });
}

/**
 * Reads a settings class from environment-style variables and validates it at start-up,
 * failing with one message that names every missing or bad setting. Taking `env` as an
 * argument (not reading `process.env` here) lets tests run several apps side by side.
 */
export function loadSettings<T extends object>(cls: new () => T, env: Record<string, string | undefined>): T {
  const settings = plainToInstance(cls, env, { exposeDefaultValues: true, excludeExtraneousValues: false });
  const errors = validateSync(settings, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new SettingsError(describe(errors, env));
  return settings;
}
