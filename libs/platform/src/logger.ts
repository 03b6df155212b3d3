import pino, { type Logger } from 'pino';

export type { Logger };

/** One structured JSON logger per app; secrets (API keys) are redacted wherever they appear. */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers["x-api-key"]', 'apiKey', '*.apiKey'], censor: '[redacted]' },
  });
}
