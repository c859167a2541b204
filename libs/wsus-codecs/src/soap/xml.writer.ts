import { isXmlChar } from './xml-document.parser.js';

/**
 * A response element to serialise. Names are written as given (prefix included) and namespace
 * declarations are ordinary attributes, so the encoder decides exactly where each `xmlns` goes:
 * WUSP responses must match real WSUS byte for byte where we can (fixtures 01-10).
 */
export interface XmlNode {
  readonly name: string;
  readonly attributes?: ReadonlyArray<readonly [string, string]>;
  /** Child elements, or character data; never both (WUSP responses have no mixed content). */
  readonly children?: readonly XmlNode[];
  readonly text?: string;
}

export function element(name: string, children: ReadonlyArray<XmlNode | undefined> = [], attributes?: ReadonlyArray<readonly [string, string]>): XmlNode {
  const kept = children.filter((c): c is XmlNode => c !== undefined);
  return attributes && attributes.length > 0 ? { name, children: kept, attributes } : { name, children: kept };
}

export function textElement(name: string, text: string, attributes?: ReadonlyArray<readonly [string, string]>): XmlNode {
  return attributes && attributes.length > 0 ? { name, text, attributes } : { name, text };
}

/**
 * Serialise without whitespace between elements; an element with no content is written `<Name/>` as WSUS
 * does (`<Parameter/>`, `<RegisterComputerResponse …/>` in the fixtures).
 */
export function writeXml(node: XmlNode): string {
  const parts: string[] = [];
  write(node, parts);
  return parts.join('');
}

function write(node: XmlNode, out: string[]): void {
  out.push('<', node.name);
  for (const [name, value] of node.attributes ?? []) out.push(' ', name, '="', escapeAttribute(value), '"');
  const children = node.children ?? [];
  const text = node.text ?? '';
  if (children.length === 0 && text === '') {
    out.push('/>');
    return;
  }
  out.push('>');
  if (text !== '') out.push(escapeText(text));
  for (const child of children) write(child, out);
  out.push('</', node.name, '>');
}

/**
 * Text escaping as .NET's XmlWriter does it: `&`, `<`, `>` escaped, quotes left alone (the `<Xml>` core
 * fragments in fixtures 06-08 show `&lt;UpdateIdentity UpdateID="…" /&gt;`). CR is written as `&#xD;` so
 * it survives the reader's end-of-line normalisation. Characters XML cannot carry are a bug in the
 * caller's data, not something to emit silently.
 */
export function escapeText(value: string): string {
  assertXmlChars(value);
  return value.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

/** Attribute escaping: additionally `"` and the whitespace characters attribute normalisation would eat. */
export function escapeAttribute(value: string): string {
  assertXmlChars(value);
  return value.replace(/[&<>"\r\n\t]/g, (c) => ATTRIBUTE_ESCAPES[c] as string);
}

const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#xD;',
  '\n': '&#xA;',
  '\t': '&#x9;',
};

function assertXmlChars(value: string): void {
  for (const ch of value) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20 || cp >= 0xd800) {
      if (!isXmlChar(cp)) throw new RangeError(`character U+${cp.toString(16).toUpperCase().padStart(4, '0')} cannot be written in XML 1.0`);
    }
  }
}
