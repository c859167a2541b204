import { XSI_NS } from './soap.constants.js';

export interface XmlAttribute {
  /** Namespace URI; '' for unprefixed attributes (which are in no namespace). */
  readonly ns: string;
  readonly name: string;
  readonly value: string;
}

/**
 * A namespace-resolved element. Decoders look elements up by (namespace URI, local name) and never by
 * prefix, because clients may pick any prefix (`s:`, `soap:`, `a:` for xsi … all seen on the wire).
 * Children are always a list, so a one-item array can never collapse into a scalar.
 */
export interface XmlElement {
  readonly ns: string;
  readonly name: string;
  /** Prefix used on the wire; for diagnostics only. */
  readonly prefix: string;
  /** Ordinary attributes; namespace declarations are resolved and not listed. */
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** Concatenated, entity-decoded character data (CDATA included verbatim). */
  readonly text: string;
  /**
   * Set only on an element the parser was asked to pack (`XmlParseOptions.packedIntLists`) whose
   * content was nothing but `<int>digits</int>` items and whitespace: those items' values, in order,
   * instead of `children` (then empty) and `text` (then ''). Undefined on every other element.
   */
  readonly packedInts?: readonly number[] | undefined;
}

export function attribute(el: XmlElement, ns: string, name: string): string | undefined {
  return el.attributes.find((a) => a.ns === ns && a.name === name)?.value;
}

/** `xsi:nil="true"` (or `"1"`, as in the MS-WUSP §4 examples). */
export function isNil(el: XmlElement): boolean {
  // Most elements carry no attribute at all (every `<int>` of a rescan): no search, no closure.
  if (el.attributes.length === 0) return false;
  const v = attribute(el, XSI_NS, 'nil')?.trim();
  return v === 'true' || v === '1';
}

export function childElements(el: XmlElement, ns: string, name: string): XmlElement[] {
  return el.children.filter((c) => c.ns === ns && c.name === name);
}

export function firstChild(el: XmlElement, ns: string, name: string): XmlElement | undefined {
  return el.children.find((c) => c.ns === ns && c.name === name);
}
