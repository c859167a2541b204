import type { SoapVersion, WuspErrorCode, WuspOperationName, WuspRequestMap, WuspResponseMap, WuspService } from '#wsus-codecs';

/** What a handler knows about the HTTP call besides the decoded request. */
export interface WuspCallContext {
  readonly soapVersion: SoapVersion;
  readonly service: WuspService;
  readonly operation: WuspOperationName;
  /** SOAPAction as sent, unquoted. */
  readonly action: string;
  /** Address of the peer (Fastify's req.ip; behind a proxy, whatever the proxy config makes of it). */
  readonly clientIp: string;
  /** The Host header (`192.0.2.1:8530`), or null when absent; base of FileLocation URLs without publicUrl. */
  readonly host: string | null;
  /** `http` or `https`, as the request arrived. */
  readonly scheme: 'http' | 'https';
  /** New per request; carried on bus calls and enqueued work so one client call can be followed end to end. */
  readonly correlationId: string;
  /** Read once per request, so every decision in one call sees the same clock. */
  readonly now: Date;
}

/**
 * One MS-WUSP operation. The endpoint parses and decodes the request (codecs), calls `handle`, and
 * encodes whatever it returns in the service's framing. A handler signals a protocol refusal by
 * throwing `WuspFault` (or the codec's `SoapRequestError`); anything else becomes InternalServerError
 * and a log line.
 */
export interface WuspOperationHandler<K extends WuspOperationName = WuspOperationName> {
  readonly operation: K;
  handle(request: WuspRequestMap[K], context: WuspCallContext): Promise<WuspResponseMap[K]>;
}

/** A spec fault raised by server-side processing (cookie state, configuration, failed dependencies). */
export class WuspFault extends Error {
  override readonly name = 'WuspFault';
  constructor(
    readonly errorCode: WuspErrorCode,
    /** Goes into detail/Message: for InvalidParameters the parameter path, else short and free of secrets. */
    readonly faultMessage: string = '',
    options: { cause?: unknown; diagnostic?: string } = {},
  ) {
    super(options.diagnostic ?? `${errorCode}${faultMessage ? ` (${faultMessage})` : ''}`, { cause: options.cause });
  }
}

/** A handler for one operation from a typed function (the registry keeps handlers of every operation in one map). */
export function operationHandler<K extends WuspOperationName>(operation: K, handle: WuspOperationHandler<K>['handle']): WuspOperationHandler {
  return { operation, handle } as unknown as WuspOperationHandler;
}
