import { existsSync, readFileSync } from 'node:fs';
import { fixturePath } from '../../../../../test/support/shared-dir.js';
import { DEFAULT_SOAP_LIMITS, parseXmlDocument, type SoapHttpHeaders, type XmlElement } from '../../soap/index.js';

/** Test-only access to ../shared/fixtures/wusp-native-scan (real Windows 11 WUA ⇄ WS2025 WSUS exchanges). */
export const NATIVE_SCAN = 'wusp-native-scan';

export function fixtureText(file: string): string {
  return readFileSync(fixturePath(NATIVE_SCAN, file), 'utf8');
}

export function fixtureBytes(file: string): Buffer {
  return readFileSync(fixturePath(NATIVE_SCAN, file));
}

/** Content-Type and SOAPAction from a captured request header file (CRLF as on the wire). */
export function fixtureRequestHeaders(exchange: string): SoapHttpHeaders | undefined {
  const file = fixturePath(NATIVE_SCAN, `${exchange}.request.headers.txt`);
  if (!existsSync(file)) return undefined;
  return headerFields(readFileSync(file, 'utf8'));
}

export function fixtureResponseContentType(exchange: string): string | undefined {
  const file = fixturePath(NATIVE_SCAN, `${exchange}.response.headers.txt`);
  return existsSync(file) ? headerFields(readFileSync(file, 'utf8')).contentType : undefined;
}

function headerFields(raw: string): { contentType?: string; soapAction?: string } {
  const out: { contentType?: string; soapAction?: string } = {};
  for (const line of raw.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-type') out.contentType = value;
    if (name === 'soapaction') out.soapAction = value;
  }
  return out;
}

export interface NormalizedElement {
  readonly ns: string;
  readonly name: string;
  readonly attributes: readonly string[];
  readonly text?: string;
  readonly children: readonly NormalizedElement[];
}

/**
 * Prefix-independent structure of a document: (namespace, local name) per element, attributes as
 * `{ns}name=value` sorted, text only on leaves, children in document order. Two documents with equal
 * normalized trees differ at most in prefixes, xmlns placement and lexical escaping.
 */
export function normalizedTree(xml: string): NormalizedElement {
  return normalize(parseXmlDocument(xml, DEFAULT_SOAP_LIMITS));
}

function normalize(el: XmlElement): NormalizedElement {
  const attributes = el.attributes.map((a) => `{${a.ns}}${a.name}=${a.value}`).sort();
  const children = el.children.map(normalize);
  return children.length === 0 ? { ns: el.ns, name: el.name, attributes, text: el.text, children } : { ns: el.ns, name: el.name, attributes, children };
}

/** Character data of the first element with this local name, in document order. */
export function textOf(xml: string, localName: string, occurrence = 0): string {
  const found: string[] = [];
  const walk = (el: XmlElement) => {
    if (el.name === localName) found.push(el.text);
    el.children.forEach(walk);
  };
  walk(parseXmlDocument(xml, DEFAULT_SOAP_LIMITS));
  const value = found[occurrence];
  if (value === undefined) throw new Error(`no <${localName}> #${occurrence}`);
  return value;
}
