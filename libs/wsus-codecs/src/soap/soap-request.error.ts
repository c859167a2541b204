import { defaultFaultCode, type SoapFaultCode, WuspErrorCode } from './fault-error-code.constants.js';
import type { SoapVersion } from './soap.constants.js';

/** Why a request was refused; lets the gateway log and count refusals without parsing messages. */
export type SoapRequestErrorKind =
  | 'body-too-large'
  | 'too-deep'
  | 'too-many-elements'
  | 'too-many-children'
  | 'dtd-forbidden'
  | 'malformed-xml'
  | 'unsupported-media-type'
  | 'version-mismatch'
  | 'must-understand'
  | 'not-soap'
  | 'missing-action'
  | 'unknown-action'
  | 'action-mismatch'
  | 'invalid-parameter'
  | 'array-too-long'
  | 'invalid-cookie'
  | 'invalid-authorization-cookie';

/** The fault content the server must send for a refused request (wusp.md §3). */
export interface SoapFaultDetail {
  readonly errorCode: WuspErrorCode;
  /** ErrorCode-specific text; for InvalidParameters the parameter path, e.g. `parameters.InstalledNonLeafUpdateIDs`. */
  readonly message?: string;
  readonly faultCode: SoapFaultCode;
  /** SOAPAction of the failed call (unquoted); emitted quoted in `detail/Method` as WSUS does. */
  readonly method?: string;
}

/**
 * Thrown by the envelope parser and by every WUSP decoder. It carries the fault to send rather than an
 * HTTP status: MS-WUSP signals every refusal as a SOAP fault with HTTP 500 (§2.2.2.4).
 */
export class SoapRequestError extends Error {
  override readonly name = 'SoapRequestError';
  readonly httpStatus = 500;
  readonly kind: SoapRequestErrorKind;
  readonly fault: SoapFaultDetail;
  /** Known once the envelope was recognised; the gateway falls back to 1.1 otherwise. */
  readonly soapVersion: SoapVersion | undefined;

  constructor(
    kind: SoapRequestErrorKind,
    detail: { errorCode?: WuspErrorCode; message?: string; faultCode?: SoapFaultCode; method?: string },
    options: { soapVersion?: SoapVersion; cause?: unknown; diagnostic?: string } = {},
  ) {
    const errorCode = detail.errorCode ?? WuspErrorCode.InvalidParameters;
    super(options.diagnostic ?? `${kind}: ${errorCode}${detail.message ? ` (${detail.message})` : ''}`, { cause: options.cause });
    this.kind = kind;
    this.fault = {
      errorCode,
      faultCode: detail.faultCode ?? defaultFaultCode(errorCode),
      ...(detail.message !== undefined ? { message: detail.message } : {}),
      ...(detail.method !== undefined ? { method: detail.method } : {}),
    };
    this.soapVersion = options.soapVersion;
  }

  /** Same refusal, completed with what the parser learned later (version, SOAPAction); own values win. */
  withContext(context: { soapVersion?: SoapVersion; method?: string }): SoapRequestError {
    const method = this.fault.method ?? context.method;
    const soapVersion = this.soapVersion ?? context.soapVersion;
    return new SoapRequestError(
      this.kind,
      { ...this.fault, ...(method !== undefined ? { method } : {}) },
      { ...(soapVersion !== undefined ? { soapVersion } : {}), cause: this.cause, diagnostic: this.message },
    );
  }
}

/** Shorthand for the common InvalidParameters refusal naming one parameter path. */
export function invalidParameter(path: string, diagnostic?: string): SoapRequestError {
  return new SoapRequestError('invalid-parameter', { errorCode: WuspErrorCode.InvalidParameters, message: path }, diagnostic ? { diagnostic } : {});
}
