import { type ArgumentsHost, Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import { isBusMessage } from './bus-message.js';
import { toRemoteError } from './remote-error.js';

/**
 * Every error leaving a bus handler becomes a RemoteErrorPayload, whatever the transport, so callers
 * always get `{code, message, correlationId}` and never a stack trace.
 */
@Catch()
export class CodedRpcExceptionFilter implements RpcExceptionFilter<unknown> {
  constructor(private readonly onUnexpected?: (error: unknown) => void) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const data: unknown = host.switchToRpc().getData();
    const correlationId = isBusMessage(data) ? data.meta.correlationId : null;
    const payload = toRemoteError(exception, correlationId);
    if (payload.code === 'INTERNAL') this.onUnexpected?.(exception);
    return throwError(() => payload);
  }
}
