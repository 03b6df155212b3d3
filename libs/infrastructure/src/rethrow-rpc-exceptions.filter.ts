import { type ArgumentsHost, Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Worker controllers' exception filter: hands the handler's error back to the batch transport
 * unchanged. Nest's default RPC filter turns any error into `{ status: 'error', message: … }`,
 * which would hide the SQLSTATE or Kafka error type the consumer classifies (transient, data,
 * fatal) to decide between retrying, isolating and exiting.
 */
@Catch()
export class RethrowRpcExceptions implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
