import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger, DestinationStream };

export const REDACTED = '[redacted]';

/** Query parameters whose values are credentials (the SSE stream's `?apiKey=`, signed links). */
const SECRET_PARAMS = /([?&](?:api[_-]?key|apikey|key|token|access[_-]?token|secret|password|sig|signature)=)[^&#\s]*/gi;
/** `scheme://user:password@host`: the password part. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)[^@/?#\s]*(@)/gi;

/**
 * A URL (or any text holding URLs) with its password and credential query parameters replaced:
 * `postgres://tthc:s3cret@db/tthc` → `postgres://tthc:[redacted]@db/tthc`,
 * `/api/v1/alerts/stream?apiKey=abc` → `/api/v1/alerts/stream?apiKey=[redacted]`. Host, path
 * and user stay, so the line still says where the app was connecting.
 */
export function redactCredentials(text: string): string {
  return text.replace(URL_PASSWORD, `$1${REDACTED}$2`).replace(SECRET_PARAMS, `$1${REDACTED}`);
}

/** Keys whose whole value is a secret, wherever they appear (top level or one level down). */
const SECRET_KEYS = ['apiKey', 'API_KEYS', 'ALERT_WEBHOOKS', 'KAFKA_SASL_PASSWORD', 'secret', 'password', 'authorization'];
/** Keys that hold URLs: logged with their credentials masked, not dropped. */
const URL_KEYS = ['url', 'DATABASE_URL', 'REDIS_URL', 'KAFKA_BROKERS'];

/** Every path pino redacts (issue 13: API keys, webhook secrets, database passwords). */
export const REDACT_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.query.apiKey',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
  ...URL_KEYS.flatMap((k) => [k, `*.${k}`]),
];

function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  if (typeof value === 'string' && URL_KEYS.includes(key)) return redactCredentials(value);
  return REDACTED;
}

/**
 * One structured JSON logger per app; every line of it — ours, Nest's own (through nestjs-pino)
 * and kafkajs' — is a JSON object with secrets redacted. `destination` lets a test read the
 * exact output.
 */
export function createLogger(name: string, level = 'info', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}
