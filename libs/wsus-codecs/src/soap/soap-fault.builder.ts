import { defaultFaultCode, type SoapFaultCode, type WuspErrorCode } from './fault-error-code.constants.js';
import { buildSoapResponse, envelopePrefix, type EnvelopeOptions, type SoapHttpResponse } from './soap-envelope.writer.js';
import type { SoapRequestError } from './soap-request.error.js';
import { SOAP_CONTENT_TYPE } from './soap.constants.js';
import { element, textElement, type XmlNode } from './xml.writer.js';

export interface SoapFaultInput {
  readonly errorCode: WuspErrorCode;
  /** For InvalidParameters the parameter path; written as an empty `<Message/>` when absent, like WSUS. */
  readonly message?: string | undefined;
  readonly faultCode?: SoapFaultCode | undefined;
  /** SOAPAction of the failed call, unquoted; WSUS writes it quoted (wusp-examples.md, observed-interop.md A.1). */
  readonly method?: string | undefined;
}

export interface SoapFaultOptions extends EnvelopeOptions {
  /** Server-generated GUID identifying this fault instance (§2.2.2.4); passed in so callers own id generation. */
  readonly id: string;
  /** WS2025 sends the fixed text "Fault occurred" (observed-interop.md A.1); the spec example's .NET stack trace is not reproduced. */
  readonly faultString?: string;
  /** Omitted by WS2025 on the client service; the spec examples carry the service URL. */
  readonly faultActor?: string;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DEFAULT_FAULT_STRING = 'Fault occurred';

/** SOAP 1.2 renamed the 1.1 fault codes (SOAP 1.2 part 1 §5.4.6). */
const SOAP12_CODES: Readonly<Record<SoapFaultCode, string>> = {
  Client: 'Sender',
  Server: 'Receiver',
  VersionMismatch: 'VersionMismatch',
  MustUnderstand: 'MustUnderstand',
};

/**
 * The MS-WUSP application fault (§2.2.2.4, wusp.md §3): HTTP 500 and a detail holding unqualified
 * `ErrorCode`, `Message`, `ID`, `Method` in that order. SOAP 1.1 uses faultcode/faultstring/detail,
 * SOAP 1.2 Code/Reason/Detail with the same detail children.
 */
export function buildSoapFault(fault: SoapFaultInput, options: SoapFaultOptions): SoapHttpResponse {
  if (!GUID.test(options.id)) throw new RangeError(`fault id must be a GUID, got ${options.id}`);
  const p = envelopePrefix(options.style);
  const faultCode = fault.faultCode ?? defaultFaultCode(fault.errorCode);
  const detailChildren: XmlNode[] = [
    textElement('ErrorCode', fault.errorCode),
    textElement('Message', fault.message ?? ''),
    textElement('ID', options.id),
  ];
  if (fault.method !== undefined) detailChildren.push(textElement('Method', `"${fault.method}"`));
  const reason = options.faultString ?? DEFAULT_FAULT_STRING;

  const faultNode =
    options.soapVersion === '1.1'
      ? element(`${p}:Fault`, [
          textElement('faultcode', `${p}:${faultCode}`),
          textElement('faultstring', reason),
          options.faultActor !== undefined ? textElement('faultactor', options.faultActor) : undefined,
          element('detail', detailChildren),
        ])
      : element(`${p}:Fault`, [
          element(`${p}:Code`, [textElement(`${p}:Value`, `${p}:${SOAP12_CODES[faultCode]}`)]),
          element(`${p}:Reason`, [textElement(`${p}:Text`, reason, [['xml:lang', 'en']])]),
          options.faultActor !== undefined ? textElement(`${p}:Role`, options.faultActor) : undefined,
          element(`${p}:Detail`, detailChildren),
        ]);

  const response = buildSoapResponse(faultNode, options);
  return { status: 500, contentType: SOAP_CONTENT_TYPE[options.soapVersion], body: response.body };
}

/** The fault for a refused request; the version the client spoke wins over the caller's default. */
export function buildSoapFaultForError(
  error: SoapRequestError,
  options: Omit<SoapFaultOptions, 'soapVersion'> & { readonly soapVersion?: EnvelopeOptions['soapVersion'] },
): SoapHttpResponse {
  return buildSoapFault(error.fault, { ...options, soapVersion: error.soapVersion ?? options.soapVersion ?? '1.1' });
}
