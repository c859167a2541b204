import type { EnvelopeStyle } from './soap-operation.catalog.js';
import { envelopeNamespace, SOAP_CONTENT_TYPE, type SoapVersion, XSD_NS, XSI_NS } from './soap.constants.js';
import { element, type XmlNode, writeXml } from './xml.writer.js';

export interface SoapHttpResponse {
  readonly status: 200 | 500;
  readonly contentType: string;
  readonly body: string;
}

export interface EnvelopeOptions {
  readonly soapVersion: SoapVersion;
  readonly style: EnvelopeStyle;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
const SCHEMA_NAMESPACES: ReadonlyArray<readonly [string, string]> = [
  ['xmlns:xsi', XSI_NS],
  ['xmlns:xsd', XSD_NS],
];

/**
 * Wrap one Body child in the envelope the service's real counterpart writes (see EnvelopeStyle):
 * compact  `<s:Envelope xmlns:s=…><s:Body xmlns:xsi=… xmlns:xsd=…>…` (fixtures 01, 03-10, client.asmx),
 * asmx     `<?xml …?><soap:Envelope xmlns:soap=… xmlns:xsi=… xmlns:xsd=…><soap:Body>…` (fixture 02, SimpleAuth).
 * SOAP 1.2 keeps the same shapes with the 1.2 envelope namespace (no 1.2 capture exists to compare with).
 */
export function writeSoapEnvelope(content: XmlNode, options: EnvelopeOptions): string {
  const ns = envelopeNamespace(options.soapVersion);
  if (options.style === 'compact') {
    return writeXml(element('s:Envelope', [element('s:Body', [content], SCHEMA_NAMESPACES)], [['xmlns:s', ns]]));
  }
  return XML_DECLARATION + writeXml(element('soap:Envelope', [element('soap:Body', [content])], [['xmlns:soap', ns], ...SCHEMA_NAMESPACES]));
}

/** Envelope prefix used by a style, for content that must name envelope-namespace QNames (faults). */
export function envelopePrefix(style: EnvelopeStyle): string {
  return style === 'compact' ? 's' : 'soap';
}

export function buildSoapResponse(content: XmlNode, options: EnvelopeOptions): SoapHttpResponse {
  return { status: 200, contentType: SOAP_CONTENT_TYPE[options.soapVersion], body: writeSoapEnvelope(content, options) };
}
