/**
 * Errors that cross a process boundary carry one of these string codes plus the correlation id.
 * The HTTP edge maps them to 4xx/5xx, the SOAP edge to the spec's ErrorCode faults.
 */
export const ErrorCodes = {
  StreamVersionConflict: 'STREAM.VERSION_CONFLICT',
  EventInvalid: 'EVENT.INVALID',
  AnchorInvalid: 'ANCHOR.INVALID',
  BusTimeout: 'BUS.TIMEOUT',
  BusNoResponder: 'BUS.NO_RESPONDER',
  ValidationFailed: 'REQUEST.INVALID',
  NotFound: 'NOT_FOUND',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | `${string}.${string}`;

/** The serialisable shape of an error on the bus. */
export interface RemoteErrorPayload {
  readonly code: ErrorCode;
  readonly message: string;
  readonly correlationId: string | null;
  readonly details?: unknown;
}

/** An error with a code, thrown by use cases and re-thrown on the calling side of the bus. */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}
