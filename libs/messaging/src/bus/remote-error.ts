import { CodedError, type ErrorCode, ErrorCodes, type RemoteErrorPayload } from '#contracts';

/** What a handler's error becomes on the wire: a code, a message, the correlation id, nothing else. */
export function toRemoteError(error: unknown, correlationId: string | null): RemoteErrorPayload {
  if (error instanceof CodedError) {
    return { code: error.code, message: error.message, correlationId, details: error.details };
  }
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' &&
      error.code.includes('.') && 'message' in error && typeof error.message === 'string') {
    return { code: error.code as ErrorCode, message: error.message, correlationId };
  }
  // Unexpected errors keep their text out of the reply: it may hold internals; it is logged instead.
  return { code: ErrorCodes.Internal, message: 'internal error in the remote service', correlationId };
}

export function isRemoteErrorPayload(value: unknown): value is RemoteErrorPayload {
  return (
    typeof value === 'object' && value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** The caller's side: turn whatever the transport delivered back into a CodedError. */
export function fromRemoteError(error: unknown, subject: string): CodedError {
  if (error instanceof CodedError) return error;
  if (isRemoteErrorPayload(error)) return new CodedError(error.code, error.message, error.details);
  const text = typeof error === 'string' ? error : error instanceof Error ? error.message : JSON.stringify(error);
  // In-process: no handler registered. NATS: the server's no-responders status reaches Nest's
  // client as an empty reply.
  if (text.includes('no matching message handler') || text.includes('There are no subscribers listening')) {
    return new CodedError(ErrorCodes.BusNoResponder, `no service handles ${subject}`);
  }
  return new CodedError(ErrorCodes.Internal, `request ${subject} failed: ${text}`);
}
