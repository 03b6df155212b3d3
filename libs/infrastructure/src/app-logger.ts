import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DynamicModule, type INestApplicationContext, RequestMethod } from '@nestjs/common';
import { Logger as NestPinoLogger, LoggerModule } from 'nestjs-pino';
import { type Logger, createLogger } from '@tthc/platform';

/** An incoming X-Request-Id is kept when it is a plain token; anything else could forge log lines. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Probes and scrapes every few seconds would drown the request log. */
const QUIET_PATHS = /^\/(api\/v1\/health|health|metrics)(\/|\?|$)/;

/**
 * The request id of an HTTP request: the caller's `X-Request-Id` if it is a plain token (a proxy
 * or another service already named the request), a new UUID otherwise; echoed in the response.
 */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * nestjs-pino over the app's own pino logger (issue 13): Nest's log lines go through it once
 * `useAppLogger` ran, and every HTTP request gets a `requestId` on its completion line and on
 * every line logged while it is handled. Redaction is the logger's (libs/platform).
 */
export function appLoggerModule(logger: Logger): DynamicModule {
  return LoggerModule.forRoot({
    // Every route (path-to-regexp 8 syntax; nestjs-pino's default '*' draws a deprecation warning).
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      logger,
      genReqId: requestId,
      customAttributeKeys: { reqId: 'requestId' },
      // Lines logged inside a request carry only its id; the completion line carries req and res.
      quietReqLogger: true,
      autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
      // A client's 4xx is the client's problem, not ours: info; our 5xx: error.
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    },
  });
}

/** main.ts: from here on Nest's own lines (and the buffered start-up ones) are JSON through pino. */
export function useAppLogger(app: INestApplicationContext): void {
  app.useLogger(app.get(NestPinoLogger));
  app.flushLogs();
}

/** main.ts: a failed start (bad settings, unreachable database) as one JSON line, then exit 1. */
export function exitOnStartupFailure(appName: string): (error: unknown) => void {
  return (error) => {
    // LOG_LEVEL itself may be what was wrong: a fatal line shows at any level anyway.
    const logger = createLogger(appName, 'info');
    logger.fatal({ err: error }, `${appName} failed to start`);
    setImmediate(() => process.exit(1));
  };
}
