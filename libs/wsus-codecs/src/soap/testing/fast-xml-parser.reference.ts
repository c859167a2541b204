import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SoapRequestError } from '../soap-request.error.js';
import type { SoapLimits } from '../soap-limits.config.js';
import { XML_NS, XMLNS_NS } from '../soap.constants.js';
import type { XmlAttribute, XmlElement } from '../xml-element.model.js';
import { prescanXml } from '../xml-prescan.guard.js';
import { decodeReferences } from '../xml-document.parser.js';

const CDATA_KEY = '#cdata';
const TEXT_KEY = '#text';
const ATTRS_KEY = ':@';

/**
 * The former request parser (fast-xml-parser validator + ordered parse + tree conversion), kept as the
 * reference the hand-written `parseXmlDocument` is held to in `xml-document.parser.spec.ts`.
 *
 * fast-xml-parser configured for untrusted SOAP (STYLE.md "XML"):
 * - preserveOrder: every element's children come back as an ordered list, so a one-element list cannot
 *   collapse into a scalar; this replaces an `isArray` allow-list (the declared array elements live in the
 *   WUSP decoders, which also cap their lengths).
 * - parseTagValue/parseAttributeValue off: `0012` and `1e3` stay strings; decoders type values themselves.
 * - processEntities off: nothing is ever expanded by the library (DTDs are refused before parsing anyway);
 *   the five predefined entities and character references are decoded by `decodeReferences` below, which
 *   rejects every other reference.
 * - trimValues off: base64 and strings keep their exact characters.
 * - prefixes kept: namespaces are resolved once, in `toElement`, from the xmlns declarations.
 */
function createParser(limits: SoapLimits): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    removeNSPrefix: false,
    cdataPropName: CDATA_KEY,
    commentPropName: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    allowBooleanAttributes: false,
    maxNestedTags: limits.maxDepth,
  });
}

/**
 * Parse an untrusted XML document into a namespace-resolved element tree.
 * Order of defences: size and structure pre-scan (DTD refusal, depth, element and child counts, tag
 * balance) → strict well-formedness validation → parse → namespace resolution and reference decoding.
 */
export function parseXmlDocumentWithLibrary(xml: string, limits: SoapLimits): XmlElement {
  prescanXml(xml, limits);
  const validation = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (validation !== true) {
    throw malformed(`${validation.err.code} at ${validation.err.line}:${validation.err.col}: ${validation.err.msg}`);
  }
  let nodes: unknown;
  try {
    nodes = createParser(limits).parse(xml);
  } catch (cause) {
    throw malformed(cause instanceof Error ? cause.message : 'parser failure', cause);
  }
  const roots = Array.isArray(nodes) ? nodes.filter((n) => elementName(n) !== undefined) : [];
  if (roots.length !== 1) throw malformed('document must have exactly one root element');
  return toElement(roots[0] as OrderedNode, new Map([['xml', XML_NS]]));
}

type OrderedNode = Record<string, unknown>;

function elementName(node: unknown): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  return Object.keys(node).find((k) => k !== ATTRS_KEY && k !== TEXT_KEY && k !== CDATA_KEY);
}

function toElement(node: OrderedNode, inScope: ReadonlyMap<string, string>): XmlElement {
  const qname = elementName(node);
  if (qname === undefined) throw malformed('expected an element');
  const rawAttrs = (node[ATTRS_KEY] ?? {}) as Record<string, string>;

  const scope = new Map(inScope);
  for (const [name, raw] of Object.entries(rawAttrs)) {
    if (name === 'xmlns') scope.set('', decodeReferences(raw));
    else if (name.startsWith('xmlns:')) {
      const value = decodeReferences(raw);
      // Namespaces in XML 1.0 forbids undeclaring a prefix (`xmlns:p=""`).
      if (value === '') throw malformed(`empty namespace for prefix ${name.slice(6)}`);
      scope.set(name.slice(6), value);
    }
  }

  const { prefix, local } = splitQName(qname);
  const ns = scope.get(prefix);
  if (ns === undefined) {
    if (prefix !== '') throw malformed(`undeclared prefix "${prefix}" on <${qname}>`);
  }

  const attributes: XmlAttribute[] = [];
  for (const [name, raw] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const a = splitQName(name);
    let attrNs = '';
    if (a.prefix !== '') {
      const resolved = scope.get(a.prefix);
      if (resolved === undefined) throw malformed(`undeclared prefix "${a.prefix}" on attribute ${name}`);
      attrNs = resolved;
    }
    if (attrNs === XMLNS_NS) continue;
    attributes.push({ ns: attrNs, name: a.local, value: decodeReferences(raw) });
  }

  const children: XmlElement[] = [];
  let text = '';
  const content = node[qname];
  for (const child of Array.isArray(content) ? (content as OrderedNode[]) : []) {
    if (TEXT_KEY in child) text += decodeReferences(String(child[TEXT_KEY]));
    else if (CDATA_KEY in child) text += cdataText(child[CDATA_KEY]);
    else children.push(toElement(child, scope));
  }

  return { ns: ns ?? '', name: local, prefix, attributes, children, text };
}

function cdataText(value: unknown): string {
  if (!Array.isArray(value)) return '';
  return value.map((v: Record<string, unknown>) => String(v[TEXT_KEY] ?? '')).join('');
}

function splitQName(qname: string): { prefix: string; local: string } {
  const i = qname.indexOf(':');
  if (i < 0) return { prefix: '', local: qname };
  const prefix = qname.slice(0, i);
  const local = qname.slice(i + 1);
  if (prefix === '' || local === '' || local.includes(':')) throw malformed(`invalid qualified name "${qname}"`);
  return { prefix, local };
}

function malformed(diagnostic: string, cause?: unknown): SoapRequestError {
  return new SoapRequestError('malformed-xml', { message: 'request' }, { diagnostic: `malformed XML: ${diagnostic}`, cause });
}
