import { WuspErrorCode } from './fault-error-code.constants.js';
import { DEFAULT_SOAP_LIMITS, type SoapLimits } from './soap-limits.config.js';
import type { SoapOperation, SoapOperationCatalog } from './soap-operation.catalog.js';
import { readSoapTransport, type SoapHttpHeaders } from './soap-headers.parser.js';
import { SoapRequestError } from './soap-request.error.js';
import { SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS, type SoapVersion } from './soap.constants.js';
import { parseXmlDocument } from './xml-document.parser.js';
import { attribute, type XmlElement } from './xml-element.model.js';

export interface SoapParseOptions {
  /** The operations this endpoint serves; anything else is an unknown action. */
  readonly operations: SoapOperationCatalog;
  readonly limits?: Partial<SoapLimits>;
}

export interface ParsedSoapRequest {
  readonly soapVersion: SoapVersion;
  /** SOAPAction as sent, unquoted. */
  readonly action: string;
  /** Local name of the operation (request) element, e.g. `SyncUpdates`. */
  readonly operation: string;
  /** Namespace of the operation element (the service's targetNamespace). */
  readonly namespace: string;
  readonly descriptor: SoapOperation;
  /** The operation element itself (child of soap:Body). */
  readonly body: XmlElement;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Turn an HTTP request into the operation element it carries, or throw a `SoapRequestError` holding the
 * fault to send. Cheap header checks run first so a request with no or an unknown action never reaches
 * the XML parser; the body is size-checked before it is decoded.
 */
export function parseSoapRequest(body: Buffer | string, headers: SoapHttpHeaders, options: SoapParseOptions): ParsedSoapRequest {
  const limits: SoapLimits = { ...DEFAULT_SOAP_LIMITS, ...options.limits };
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (size > limits.maxBodyBytes) {
    throw new SoapRequestError('body-too-large', { message: 'request' }, { diagnostic: `body of ${size} bytes exceeds ${limits.maxBodyBytes}` });
  }

  const transport = readSoapTransport(headers);
  const versionHint = transport.soapVersion;
  const action = transport.action;
  if (action === undefined) {
    throw new SoapRequestError('missing-action', { message: 'SOAPAction' }, withVersion(versionHint, { diagnostic: 'no SOAPAction' }));
  }
  if (!options.operations.isKnownAction(action)) {
    throw new SoapRequestError('unknown-action', { message: 'SOAPAction' }, withVersion(versionHint, { diagnostic: `unknown SOAPAction ${action}` }));
  }

  try {
    const text = typeof body === 'string' ? body : decodeUtf8(body);
    const packedIntLists = options.operations.packedIntListsFor(action);
    const envelope = parseXmlDocument(text, limits, packedIntLists === undefined ? {} : { packedIntLists });
    const soapVersion = envelopeVersion(envelope, versionHint);
    const envNs = soapVersion === '1.1' ? SOAP11_ENVELOPE_NS : SOAP12_ENVELOPE_NS;

    const parts = envelope.children;
    const header = parts.find((c) => c.ns === envNs && c.name === 'Header');
    const bodies = parts.filter((c) => c.ns === envNs && c.name === 'Body');
    const unexpected = parts.filter((c) => c !== header && !bodies.includes(c));
    if (bodies.length !== 1 || unexpected.length > 0 || parts.filter((c) => c.name === 'Header' && c.ns === envNs).length > 1) {
      throw new SoapRequestError('not-soap', { message: 'request' }, { soapVersion, diagnostic: 'Envelope must hold one Body (after an optional Header)' });
    }
    if (header) rejectMustUnderstand(header, envNs, soapVersion);

    const [operationElement, ...extra] = (bodies[0] as XmlElement).children;
    if (operationElement === undefined || extra.length > 0) {
      throw new SoapRequestError('not-soap', { message: 'request' }, { soapVersion, diagnostic: 'Body must hold exactly one operation element' });
    }
    const descriptor = options.operations.forElement(operationElement.ns, operationElement.name);
    // MS-WUSP prose gives SyncPrinterCatalog the SyncUpdates action (wusp.md §2.1): dispatch is on the body
    // element, and the catalog lists which actions each element may arrive with.
    if (descriptor === undefined || !options.operations.accepts(descriptor, action)) {
      throw new SoapRequestError('action-mismatch', { message: 'SOAPAction' }, {
        soapVersion,
        diagnostic: `SOAPAction ${action} does not match body element {${operationElement.ns}}${operationElement.name}`,
      });
    }
    return { soapVersion, action, operation: descriptor.name, namespace: descriptor.namespace, descriptor, body: operationElement };
  } catch (error) {
    if (error instanceof SoapRequestError) throw error.withContext({ method: action, ...(versionHint ? { soapVersion: versionHint } : {}) });
    throw error;
  }
}

function decodeUtf8(body: Buffer): string {
  try {
    const text = utf8.decode(body);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (cause) {
    throw new SoapRequestError('malformed-xml', { message: 'request' }, { diagnostic: 'body is not valid UTF-8', cause });
  }
}

/** The envelope namespace must agree with the Content-Type; SOAP calls a disagreement VersionMismatch. */
function envelopeVersion(envelope: XmlElement, hint: SoapVersion | undefined): SoapVersion {
  const found = envelope.ns === SOAP11_ENVELOPE_NS ? '1.1' : envelope.ns === SOAP12_ENVELOPE_NS ? '1.2' : undefined;
  if (envelope.name !== 'Envelope') {
    throw new SoapRequestError('not-soap', { message: 'request' }, withVersion(hint, { diagnostic: `root element is ${envelope.name}, not Envelope` }));
  }
  if (found === undefined || (hint !== undefined && hint !== found)) {
    throw new SoapRequestError('version-mismatch', { errorCode: WuspErrorCode.InvalidParameters, message: 'Envelope', faultCode: 'VersionMismatch' },
      withVersion(hint, { diagnostic: `envelope namespace ${envelope.ns || '(none)'} does not match the ${hint ?? 'declared'} SOAP version` }));
  }
  return found;
}

/**
 * MS-WUSP §2.2 says soap:Header MUST NOT be used; a header we would silently ignore is harmless, but one
 * the sender marked mustUnderstand must be refused by SOAP rules.
 */
function rejectMustUnderstand(header: XmlElement, envNs: string, soapVersion: SoapVersion): void {
  for (const block of header.children) {
    const mu = attribute(block, envNs, 'mustUnderstand')?.trim();
    if (mu === '1' || mu === 'true') {
      throw new SoapRequestError('must-understand', { message: block.name, faultCode: 'MustUnderstand' }, { soapVersion, diagnostic: `header ${block.name} must be understood` });
    }
  }
}

function withVersion(version: SoapVersion | undefined, rest: { diagnostic: string }): { soapVersion?: SoapVersion; diagnostic: string } {
  return version === undefined ? rest : { ...rest, soapVersion: version };
}
