import { SoapRequestError } from './soap-request.error.js';
import type { SoapLimits } from './soap-limits.config.js';
import { XML_NS, XMLNS_NS } from './soap.constants.js';
import type { XmlAttribute, XmlElement } from './xml-element.model.js';
import { prescanXml } from './xml-prescan.guard.js';

/**
 * XML 1.0 Name (the `NameStartChar` / `NameChar` productions, BMP part): what the well-formedness
 * check of the former fast-xml-parser validator accepted, so names are judged exactly as before.
 */
const NAME_START = ':A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
// The combining marks (U+0300–U+036F) are a range of NameChar, not a character combined with another.
// eslint-disable-next-line no-misleading-character-class
const NAME = new RegExp(`[${NAME_START}][${NAME_START}\\-.\\d\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*`, 'y');

export interface XmlParseOptions {
  /**
   * Local names of unprefixed elements whose `<int>` items the caller reads only as numbers
   * (`ElementReader.intArray`): such an element may come back with `packedInts` and no children.
   */
  readonly packedIntLists?: ReadonlySet<string>;
}

interface OpenElement {
  readonly qname: string;
  readonly ns: string;
  readonly prefix: string;
  readonly local: string;
  readonly attributes: readonly XmlAttribute[];
  readonly scope: ReadonlyMap<string, string>;
  /** Made on the first child: most elements of a request (a thousand `<int>` ids) have none. */
  children: XmlElement[] | null;
  text: string;
}

/**
 * Shared by every element without attributes or children (the tree is read-only): a rescan's
 * thousand `<int>` ids then cost one object each instead of three arrays more (GC showed in profiles).
 */
const NO_ATTRIBUTES: readonly XmlAttribute[] = Object.freeze([]);
const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]);
const NO_RAW_ATTRIBUTES: readonly { name: string; value: string }[] = Object.freeze([]);

/**
 * Parse an untrusted XML document into a namespace-resolved element tree.
 * Order of defences: size and structure pre-scan (DTD refusal, depth, element and child counts, tag
 * balance) → one strict pass that checks names, attribute syntax, duplicate attributes and tag
 * matching while it builds the tree → namespace resolution and reference decoding (only the five
 * predefined entities and character references; every other reference is refused).
 *
 * A hand-written pass rather than fast-xml-parser (validator + ordered parse + tree conversion):
 * a differential rescan's SyncUpdates carries a thousand `<int>` ids and the three library passes
 * were over half of the request's CPU (docs/benchmarks.md). It accepts and refuses exactly what the
 * library configuration did and returns the same tree; `xml-document.parser.spec.ts` holds it to the
 * library version (testing/fast-xml-parser.reference.ts) on fixtures and on mutated documents.
 *
 * `options.packedIntLists` names unprefixed, attribute-less elements whose `<int>` items the caller
 * only reads as numbers (a rescan's InstalledNonLeafUpdateIDs and OtherCachedUpdateIDs, ~830 ids at
 * 100k revisions): when such an element holds nothing but `<int>digits</int>` and whitespace, its
 * values come back in `packedInts` instead of an element and a string per id (see packIntList).
 */
export function parseXmlDocument(xml: string, limits: SoapLimits, options: XmlParseOptions = {}): XmlElement {
  prescanXml(xml, limits);
  const packable = options.packedIntLists;
  const n = xml.length;
  const stack: OpenElement[] = [];
  const rootScope: ReadonlyMap<string, string> = new Map([['xml', XML_NS]]);
  let root: XmlElement | undefined;
  // Element names repeat (a thousand `<int>` in a rescan): split each distinct one once per document.
  const qnames = new Map<string, QName>();
  let pos = 0;
  let sawElement = false;
  let lastQName: string | undefined;

  const close = (open: OpenElement): void => {
    const element: XmlElement = { ns: open.ns, name: open.local, prefix: open.prefix, attributes: open.attributes, children: open.children ?? NO_CHILDREN, text: open.text, packedInts: undefined };
    const parent = stack[stack.length - 1];
    if (parent !== undefined) fileChild(parent, element);
    else if (root === undefined) root = element;
    else throw malformed('document must have exactly one root element');
  };

  while (pos < n) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > pos) {
      const top = stack[stack.length - 1];
      if (top !== undefined) top.text += decodeReferences(xml.slice(pos, textEnd));
      else if (!isBlank(xml, pos, textEnd)) throw malformed('text outside the root element');
    }
    if (lt < 0) break;
    const c1 = xml.charCodeAt(lt + 1);

    if (c1 === 0x3f /* ? */) {
      // Processing instructions (and the XML declaration) carry nothing a decoder reads: skipped, with
      // the library's rules: the end is the first `?>` outside quotes, and `<?xml` only at the start of the document
      // (the library checked that only before the first element).
      const end = processingInstructionEnd(xml, lt + 2);
      if (end < 0) throw malformed('unterminated processing instruction');
      if (!sawElement && lt > (xml.charCodeAt(0) === 0xfeff ? 1 : 0) && /^xml[ ?]/.test(xml.slice(lt + 2, lt + 6))) {
        throw malformed('XML declaration allowed only at the start of the document');
      }
      pos = end + 2;
      continue;
    }

    if (c1 === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end < 0) throw malformed('unterminated comment');
        pos = end + 3;
        continue;
      }
      if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt + 9);
        const top = stack[stack.length - 1];
        if (end < 0 || top === undefined) throw malformed('misplaced or unterminated CDATA section');
        top.text += xml.slice(lt + 9, end);
        pos = end + 3;
        continue;
      }
      throw malformed('markup declaration');
    }

    if (c1 === 0x2f /* / */) {
      const gt = xml.indexOf('>', lt + 2);
      if (gt < 0) throw malformed('unterminated end tag');
      const open = stack.pop();
      // The usual case, compared in place; anything else is judged by the general check below.
      if (open === undefined || !isNameAt(xml, lt + 2, open.qname) || !isBlank(xml, lt + 2 + open.qname.length, gt)) {
        const name = scanName(xml, lt + 2);
        if (name === undefined || open === undefined || name !== open.qname || !isBlank(xml, lt + 2 + name.length, gt)) {
          throw malformed(`end tag </${xml.slice(lt + 2, gt).trimEnd()}> does not match <${open?.qname ?? ''}>`);
        }
      }
      close(open);
      pos = gt + 1;
      continue;
    }

    // Start tag: name, then (whitespace, name, '=', quoted value)*, then '>' or '/>'. A name like the
    // previous start tag's (a thousand `<int>` in a row) is compared in place and its string reused.
    const qname = lastQName !== undefined && isNameAt(xml, lt + 1, lastQName) ? lastQName : scanName(xml, lt + 1);
    if (qname === undefined) throw malformed('start tag without a valid name');
    lastQName = qname;
    if (stack.length === 0 && root !== undefined) throw malformed('document must have exactly one root element');
    let i = lt + 1 + qname.length;
    let raw: { name: string; value: string }[] | null = null;
    let selfClosing = false;
    for (;;) {
      const ws = i;
      while (i < n && isSpace(xml.charCodeAt(i))) i += 1;
      const c = xml.charCodeAt(i);
      if (c === 0x3e /* > */) {
        i += 1;
        break;
      }
      if (c === 0x2f /* / */ && xml.charCodeAt(i + 1) === 0x3e) {
        selfClosing = true;
        i += 2;
        break;
      }
      if (i === ws) throw malformed(`attributes of <${qname}> must be separated by whitespace`);
      const name = scanName(xml, i);
      if (name === undefined) throw malformed(`invalid attribute name in <${qname}>`);
      i += name.length;
      while (i < n && isSpace(xml.charCodeAt(i))) i += 1;
      if (xml.charCodeAt(i) !== 0x3d /* = */) throw malformed(`attribute ${name} of <${qname}> has no value`);
      i += 1;
      while (i < n && isSpace(xml.charCodeAt(i))) i += 1;
      const quote = xml.charCodeAt(i);
      if (quote !== 0x22 && quote !== 0x27) throw malformed(`attribute ${name} of <${qname}> is not quoted`);
      const end = xml.indexOf(quote === 0x22 ? '"' : "'", i + 1);
      if (end < 0) throw malformed(`unterminated value of attribute ${name}`);
      if (raw === null) raw = [];
      else if (raw.some((a) => a.name === name)) throw malformed(`duplicate attribute ${name} in <${qname}>`);
      raw.push({ name, value: xml.slice(i + 1, end) });
      i = end + 1;
    }
    sawElement = true;
    const parent = stack[stack.length - 1];
    if (!selfClosing && raw === null && parent !== undefined) {
      const end = packable?.has(qname) === true ? packIntList(xml, i, qname, parent, qnames) : closedLeaf(xml, i, qname, parent, qnames);
      if (end >= 0) {
        pos = end;
        continue;
      }
    }
    const open = openElement(qname, raw ?? NO_RAW_ATTRIBUTES, parent?.scope ?? rootScope, qnames);
    if (selfClosing) close(open);
    else stack.push(open);
    pos = i;
  }

  if (stack.length > 0) throw malformed(`unclosed element <${stack[stack.length - 1]!.qname}>`);
  if (!sawElement || root === undefined) throw malformed('document must have exactly one root element');
  return root;
}

/**
 * A child without attributes whose content is text up to its own end tag (`<int>42</int>`, a
 * thousand of them in a rescan's SyncUpdates): made and filed under `parent` at once, without the
 * open element the general path keeps for it, and the position after its end tag returned. -1 when
 * the content is anything else (markup, another end tag); the general path then parses it as before.
 */
function closedLeaf(xml: string, contentStart: number, qname: string, parent: OpenElement, names: Map<string, QName>): number {
  const lt = xml.indexOf('<', contentStart);
  if (lt < 0 || xml.charCodeAt(lt + 1) !== 0x2f /* / */ || !isNameAt(xml, lt + 2, qname)) return -1;
  const gt = xml.indexOf('>', lt + 2 + qname.length);
  if (gt < 0 || !isBlank(xml, lt + 2 + qname.length, gt)) return -1;
  const name = splitOnce(qname, names);
  const ns = namespaceOf(name, qname, parent.scope);
  const text = lt > contentStart ? decodeReferences(xml.slice(contentStart, lt)) : '';
  fileChild(parent, { ns, name: name.local, prefix: name.prefix, attributes: NO_ATTRIBUTES, children: NO_CHILDREN, text, packedInts: undefined });
  return gt + 1;
}

/** The largest xs:int, and its digit count: a longer or larger item is left to the general path. */
const INT_MAX = 2147483647;
const INT_MAX_DIGITS = 10;

/**
 * An element named in `packedIntLists` (unprefixed, no attribute) whose content is only
 * `<int>digits</int>` items and whitespace, up to its own `</qname>`: made with those values in
 * `packedInts`, filed under `parent`, and the position after its end tag returned. -1 at the first
 * thing that is anything else (a comment, an attribute, a prefix, a sign, a reference, whitespace
 * inside an item, more than ten digits, a value above 2^31 - 1, `</qname >`): nothing is consumed and
 * the general path parses the element as before, with its error messages.
 *
 * Why: a rescan's two id lists are ~830 items at 100k revisions, and an element object, a string
 * and their young-generation collection per id were the part of a rescan's CPU that grows with the
 * catalog (docs/benchmarks/100k.md §16-§17). Unprefixed `<int>` inside an unprefixed element without
 * attributes is in that element's namespace, so the values stand for exactly the children the
 * general path would have made. The pre-scan has already counted these items against the limits.
 */
function packIntList(xml: string, contentStart: number, qname: string, parent: OpenElement, names: Map<string, QName>): number {
  const values: number[] = [];
  let k = contentStart;
  for (;;) {
    let c = xml.charCodeAt(k);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = xml.charCodeAt(++k);
    if (c !== 0x3c /* < */) return -1;
    if (xml.charCodeAt(k + 1) === 0x2f /* / */) {
      const gt = k + 2 + qname.length;
      if (!xml.startsWith(qname, k + 2) || xml.charCodeAt(gt) !== 0x3e /* > */) return -1;
      const name = splitOnce(qname, names);
      const ns = namespaceOf(name, qname, parent.scope);
      fileChild(parent, { ns, name: name.local, prefix: name.prefix, attributes: NO_ATTRIBUTES, children: NO_CHILDREN, text: '', packedInts: values });
      return gt + 1;
    }
    if (!xml.startsWith('int>', k + 1)) return -1;
    k += 5;
    let value = 0;
    const first = k;
    for (c = xml.charCodeAt(k); c >= 0x30 && c <= 0x39; c = xml.charCodeAt(++k)) value = value * 10 + (c - 0x30);
    const digits = k - first;
    if (digits === 0 || digits > INT_MAX_DIGITS || value > INT_MAX || !xml.startsWith('</int>', k)) return -1;
    values.push(value);
    k += 6;
  }
}

/** Appends a finished element to its parent's children (made on the first: most elements have none). */
function fileChild(parent: OpenElement, element: XmlElement): void {
  if (parent.children === null) parent.children = [element];
  else parent.children.push(element);
}

/** An element name, split once per document (names repeat: a thousand `<int>` in a rescan). */
function splitOnce(qname: string, names: Map<string, QName>): QName {
  return names.get(qname) ?? names.set(qname, splitQName(qname)).get(qname)!;
}

/** The namespace of an element's prefix in `scope` ('' for none); an undeclared prefix is refused. */
function namespaceOf(name: QName, qname: string, scope: ReadonlyMap<string, string>): string {
  const ns = scope.get(name.prefix);
  if (ns === undefined && name.prefix !== '') throw malformed(`undeclared prefix "${name.prefix}" on <${qname}>`);
  return ns ?? '';
}

/**
 * The XML Name starting at `from` (the longest run the NAME production allows), or undefined. ASCII
 * names, which is every name a client sends, are scanned by character code: the Unicode regex per
 * tag showed in rescan profiles (two per `<int>` id). The first non-ASCII character hands the whole
 * name to the regex, so the answer is always the regex's.
 */
function scanName(xml: string, from: number): string | undefined {
  const first = xml.charCodeAt(from);
  if (first < 0x80 && isAsciiNameStart(first)) {
    let end = from + 1;
    for (;;) {
      const c = xml.charCodeAt(end);
      if (c < 0x80 && isAsciiNameChar(c)) end += 1;
      else if (c >= 0x80) break;
      else return xml.slice(from, end);
    }
  } else if (first < 0x80) return undefined;
  NAME.lastIndex = from;
  return NAME.exec(xml)?.[0];
}

/**
 * Whether `scanName(xml, from)` would return `name` (a name scanName returned before), without
 * copying: the same characters, then one that ends an ASCII name. A non-ASCII character after them
 * answers false and leaves the judgement to scanName.
 */
function isNameAt(xml: string, from: number, name: string): boolean {
  if (!xml.startsWith(name, from)) return false;
  const next = xml.charCodeAt(from + name.length);
  return Number.isNaN(next) || (next < 0x80 && !isAsciiNameChar(next));
}

/** NameStartChar, ASCII part: `:`, `A-Z`, `_`, `a-z`. */
function isAsciiNameStart(c: number): boolean {
  return c === 0x3a || c === 0x5f || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** NameChar, ASCII part: NameStartChar, `-`, `.`, `0-9`. */
function isAsciiNameChar(c: number): boolean {
  return isAsciiNameStart(c) || c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39);
}

/** Index of the `?` of the `?>` closing a processing instruction, skipping quoted strings; -1 if none. */
function processingInstructionEnd(xml: string, from: number): number {
  for (let i = from; i < xml.length; i += 1) {
    const c = xml.charCodeAt(i);
    if (c === 0x22 || c === 0x27) {
      i = xml.indexOf(c === 0x22 ? '"' : "'", i + 1);
      if (i < 0) return -1;
    } else if (c === 0x3f && xml.charCodeAt(i + 1) === 0x3e) return i;
  }
  return -1;
}

/** Resolves the element's namespace declarations, its own name and its attributes' names. */
function openElement(qname: string, raw: readonly { name: string; value: string }[], inScope: ReadonlyMap<string, string>, names: Map<string, QName>): OpenElement {
  if (raw.length === 0) {
    // No attribute, so no declaration either (most elements): the parent's scope as it is.
    const name = splitOnce(qname, names);
    return { qname, ns: namespaceOf(name, qname, inScope), prefix: name.prefix, local: name.local, attributes: NO_ATTRIBUTES, scope: inScope, children: null, text: '' };
  }
  let scope = inScope;
  for (const { name, value: rawValue } of raw) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    if (scope === inScope) scope = new Map(inScope);
    const value = decodeReferences(rawValue);
    if (name === 'xmlns') (scope as Map<string, string>).set('', value);
    else {
      // Namespaces in XML 1.0 forbids undeclaring a prefix (`xmlns:p=""`).
      if (value === '') throw malformed(`empty namespace for prefix ${name.slice(6)}`);
      (scope as Map<string, string>).set(name.slice(6), value);
    }
  }

  const name = splitOnce(qname, names);
  const ns = namespaceOf(name, qname, scope);

  const attributes: XmlAttribute[] = [];
  for (const { name, value } of raw) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const a = splitQName(name);
    let attrNs = '';
    if (a.prefix !== '') {
      const resolved = scope.get(a.prefix);
      if (resolved === undefined) throw malformed(`undeclared prefix "${a.prefix}" on attribute ${name}`);
      attrNs = resolved;
    }
    if (attrNs === XMLNS_NS) continue;
    attributes.push({ ns: attrNs, name: a.local, value: decodeReferences(value) });
  }
  return { qname, ns, prefix: name.prefix, local: name.local, attributes: attributes.length === 0 ? NO_ATTRIBUTES : attributes, scope, children: null, text: '' };
}

interface QName {
  readonly prefix: string;
  readonly local: string;
}

function splitQName(qname: string): QName {
  const i = qname.indexOf(':');
  if (i < 0) return { prefix: '', local: qname };
  const prefix = qname.slice(0, i);
  const local = qname.slice(i + 1);
  if (prefix === '' || local === '' || local.includes(':')) throw malformed(`invalid qualified name "${qname}"`);
  return { prefix, local };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isBlank(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return false;
  }
  return true;
}

const REFERENCE = /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));/g;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decode the references XML 1.0 defines without a DTD. Anything else containing `&` is an undeclared
 * entity, which is a well-formedness error; refusing it (instead of passing `&foo;` through) keeps
 * entity tricks from ever reaching a decoder.
 */
export function decodeReferences(raw: string): string {
  if (!raw.includes('&')) return raw;
  if (raw.replace(REFERENCE, '').includes('&')) throw malformed('undeclared entity reference');
  return raw.replace(REFERENCE, (_m, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named !== undefined) return PREDEFINED[named] as string;
    const cp = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec as string, 10);
    if (!isXmlChar(cp)) throw malformed(`character reference to an invalid XML character (${cp})`);
    return String.fromCodePoint(cp);
  });
}

/** XML 1.0 `Char` production. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

function malformed(diagnostic: string, cause?: unknown): SoapRequestError {
  return new SoapRequestError('malformed-xml', { message: 'request' }, { diagnostic: `malformed XML: ${diagnostic}`, cause });
}
