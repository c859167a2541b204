import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CodedError } from '#contracts';
import { LOGGER, type Logger } from '#platform';
import {
  acceptsXpressEncoding,
  buildSoapFault,
  buildSoapFaultForError,
  compressXpress,
  decodeWuspRequest,
  encodeWuspResponse,
  parseWuspRequest,
  SoapRequestError,
  type SoapHttpResponse,
  type SoapVersion,
  WUSP_RESPONSE_STYLE,
  WuspErrorCode,
  type WuspOperationName,
  type WuspResponse,
  type WuspService,
  XPRESS_CONTENT_CODING,
} from '#wsus-codecs';
import { type WuspCallContext, WuspFault } from './wusp-operation.handler.js';
import { WuspOperationRegistry } from './wusp-operation.registry.js';

/** An HTTP request as the endpoint sees it (transport-neutral, so it can be driven without a socket). */
export interface WuspHttpRequest {
  readonly body: Buffer;
  readonly contentType: string | undefined;
  readonly soapAction: string | undefined;
  readonly acceptEncoding: string | undefined;
  readonly clientIp: string;
  readonly host: string | null;
  readonly scheme: 'http' | 'https';
  /** MS-CV correlation vector of WUA, logged so a client trace can be matched. */
  readonly correlationVector?: string | undefined;
}

export interface WuspHttpReply {
  readonly status: 200 | 500;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * One SOAP call, start to end: envelope parse (size, DTD, depth and SOAPAction checks in the codec),
 * the operation must belong to the endpoint it was posted to, decode, handler, encode in the service's
 * framing, Xpress when asked. Every refusal is a SOAP fault with HTTP 500 and the spec's ErrorCode;
 * nothing a client sends can take the endpoint down.
 */
@Injectable()
export class WuspDispatcher {
  constructor(
    @Inject(WuspOperationRegistry) private readonly registry: WuspOperationRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async dispatch(service: WuspService, request: WuspHttpRequest): Promise<WuspHttpReply> {
    const correlationId = randomUUID();
    // A child logger serializes its bindings when made: only make it when a line is written (a
    // fault, or debug), not on every answered call.
    let child: Logger | undefined;
    const log = (): Logger => (child ??= this.logger.child({ correlationId, service, clientIp: request.clientIp, msCv: request.correlationVector }));
    let soapVersion: SoapVersion | undefined;
    let action: string | undefined;
    let operation: WuspOperationName | undefined;
    try {
      const parsed = parseWuspRequest(request.body, { contentType: request.contentType, soapAction: request.soapAction });
      soapVersion = parsed.soapVersion;
      action = parsed.action;
      if (parsed.descriptor.service !== service) {
        // A Client operation posted to the Reporting endpoint names no operation of that endpoint.
        throw new SoapRequestError('unknown-action', { message: 'SOAPAction', method: parsed.action }, { soapVersion, diagnostic: `${parsed.operation} is not served at the ${service} endpoint` });
      }
      const decoded = decodeWuspRequest(parsed);
      operation = decoded.operation;
      const handler = this.registry.handlerFor(decoded.operation);
      if (handler === undefined) throw new WuspFault(WuspErrorCode.InternalServerError, '', { diagnostic: `no handler for ${decoded.operation}` });
      const context: WuspCallContext = {
        soapVersion: parsed.soapVersion,
        service,
        operation: decoded.operation,
        action: parsed.action,
        clientIp: request.clientIp,
        host: request.host,
        scheme: request.scheme,
        correlationId,
        now: new Date(),
      };
      const result = await handler.handle(decoded.request as never, context);
      const encoded = encodeWuspResponse({ operation: decoded.operation, result } as WuspResponse, { soapVersion: parsed.soapVersion });
      if (this.logger.isLevelEnabled('debug')) log().debug({ operation: decoded.operation }, 'wusp call answered');
      return this.reply(encoded, request.acceptEncoding);
    } catch (error) {
      return this.fault(error, { service, soapVersion, action, operation, log: log() });
    }
  }

  private reply(encoded: SoapHttpResponse, acceptEncoding: string | undefined): WuspHttpReply {
    const plain = Buffer.from(encoded.body, 'utf8');
    const headers: Record<string, string> = {
      'content-type': encoded.contentType,
      // WSUS marks every SOAP answer private (cookies inside) and varies on the coding.
      'cache-control': 'private',
      vary: 'Accept-Encoding',
    };
    if (encoded.status === 200 && acceptsXpressEncoding(acceptEncoding)) {
      headers['content-encoding'] = XPRESS_CONTENT_CODING;
      return { status: encoded.status, headers, body: compressXpress(plain) };
    }
    return { status: encoded.status, headers, body: plain };
  }

  private fault(
    error: unknown,
    call: { service: WuspService; soapVersion: SoapVersion | undefined; action: string | undefined; operation: WuspOperationName | undefined; log: Logger },
  ): WuspHttpReply {
    const id = randomUUID();
    const style = WUSP_RESPONSE_STYLE[call.service];
    const base = { id, style };
    let response: SoapHttpResponse;
    if (error instanceof SoapRequestError) {
      call.log.info({ kind: error.kind, errorCode: error.fault.errorCode, faultId: id, operation: call.operation, reason: error.message }, 'wusp request refused');
      response = buildSoapFaultForError(error, { ...base, soapVersion: call.soapVersion ?? '1.1' });
    } else {
      const known = error instanceof WuspFault;
      const errorCode = known ? error.errorCode : WuspErrorCode.InternalServerError;
      const message = known ? error.faultMessage : '';
      if (!known || errorCode === WuspErrorCode.InternalServerError) {
        const code = error instanceof CodedError ? error.code : undefined;
        call.log.error({ err: error, code, faultId: id, operation: call.operation }, 'wusp call failed: answering InternalServerError');
      } else {
        call.log.info({ errorCode, faultId: id, operation: call.operation, reason: (error as Error).message }, 'wusp call refused');
      }
      response = buildSoapFault({ errorCode, message, method: call.action }, { ...base, soapVersion: call.soapVersion ?? '1.1' });
    }
    return {
      status: 500,
      headers: { 'content-type': response.contentType, 'cache-control': 'private' },
      body: Buffer.from(response.body, 'utf8'),
    };
  }
}
