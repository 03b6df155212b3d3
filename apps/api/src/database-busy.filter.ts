import { type ArgumentsHost, Catch, HttpException, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { ServerResponse } from 'node:http';

/** SQLSTATEs of a bounded wait that ran out: lock_timeout (55P03), statement_timeout (57014). */
const BUSY_SQLSTATES = new Set(['55P03', '57014']);
const RETRY_AFTER_SECONDS = 5;

/** pg-pool's error when no connection frees up within connectionTimeoutMillis. */
const isPoolTimeout = (e: Error) => /timeout exceeded when trying to connect|Connection terminated due to connection timeout/.test(e.message);

/** 503 with a Retry-After of its own: a service that knows what is busy says so. */
export class RetryLaterException extends HttpException {
  /** `details`: more fields of the body, such as a stable `code`. */
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    details: Record<string, string> = {},
  ) {
    super({ statusCode: 503, message, ...details }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/**
 * What a request gets when a database wait hits one of its bounds (issue 10: every wait has a
 * timeout): 503 with Retry-After and a message, not a 500 with the driver's text. Everything
 * else goes to Nest's own handling.
 */
@Catch()
export class DatabaseBusyFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof RetryLaterException && host.getType() === 'http') {
      host.switchToHttp().getResponse<ServerResponse>().setHeader('Retry-After', String(exception.retryAfterSeconds));
      return super.catch(exception, host);
    }
    if (!isDatabaseBusy(exception) || host.getType() !== 'http') return super.catch(exception, host);
    const res = host.switchToHttp().getResponse<ServerResponse>();
    if (res.headersSent) return super.catch(exception, host);
    res.statusCode = HttpStatus.SERVICE_UNAVAILABLE;
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ statusCode: 503, message: `the database is busy; retry in ${RETRY_AFTER_SECONDS} s` }));
  }
}

export function isDatabaseBusy(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (e as { code?: unknown }).code;
  return (typeof code === 'string' && BUSY_SQLSTATES.has(code)) || isPoolTimeout(e);
}
