import {
  DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_DOCUMENT_CHARS,
} from './update-metadata.constants.js';
import { UpdateMetadataError } from './update-metadata.errors.js';

/**
 * A small pull tokenizer for XML 1.0 documents, written for update metadata: one linear pass, no
 * tree, no regular-expression backtracking, so a tens-of-MB CBS manifest costs O(n) time and only
 * the memory of the current token. It checks well-formedness (matching tags, unique attributes,
 * one root, legal references) and refuses DTDs outright, so no entity can expand (house style:
 * entity expansion off for untrusted input). Comments and processing instructions are skipped:
 * no MS-WUSP fragment carries them. Namespaces are resolved by the caller.
 */

export interface XmlAttribute {
  /** Qualified name as written (`xsi:type`). */
  readonly name: string;
  /** Value after reference decoding and attribute-value normalisation (XML 1.0 §3.3.3). */
  readonly value: string;
}

export type XmlToken =
  | {
      readonly kind: 'start';
      readonly name: string;
      readonly attributes: readonly XmlAttribute[];
      /** `<a/>` form; an `end` token with `implicit: true` follows immediately. */
      readonly selfClosing: boolean;
      readonly offset: number;
    }
  | { readonly kind: 'end'; readonly name: string; readonly implicit: boolean; readonly offset: number }
  | {
      readonly kind: 'text';
      /** Decoded character data (line ends normalised to LF, XML 1.0 §2.11). */
      readonly text: string;
      readonly offset: number;
    };

export interface XmlLimits {
  readonly maxChars?: number;
  readonly maxDepth?: number;
  readonly maxAttributesPerElement?: number;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;
const AMP = 0x26;
const BANG = 0x21;
const QUESTION = 0x3f;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Characters that end a name. Full XML NameChar checking is not needed to split fragments. */
function isNameEnd(c: number): boolean {
  return isSpace(c) || c === SLASH || c === GT || c === EQ || c === LT || c === QUOT || c === APOS || c === AMP;
}

function isBadNameStart(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x3a || c === BANG || c === QUESTION;
}

export class XmlTokenizer {
  private pos = 0;
  private readonly open: string[] = [];
  private rootSeen = false;
  private rootClosed = false;
  private pendingImplicitEnd: { name: string; offset: number } | undefined;
  private readonly maxDepth: number;
  private readonly maxAttributes: number;

  constructor(
    private readonly xml: string,
    limits: XmlLimits = {},
  ) {
    const maxChars = limits.maxChars ?? DEFAULT_MAX_DOCUMENT_CHARS;
    if (xml.length > maxChars) {
      throw new UpdateMetadataError(
        'UPDATE_METADATA.LIMIT_EXCEEDED',
        `document has ${xml.length} characters, limit is ${maxChars}`,
      );
    }
    this.maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxAttributes = limits.maxAttributesPerElement ?? DEFAULT_MAX_ATTRIBUTES_PER_ELEMENT;
    // A UTF-8/UTF-16 BOM survives decoding as U+FEFF; it is not content.
    if (xml.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  /** Current element depth (root = 1 while inside it). */
  get depth(): number {
    return this.open.length;
  }

  /** Next token, or `undefined` at a well-formed end of document. */
  next(): XmlToken | undefined {
    if (this.pendingImplicitEnd !== undefined) {
      const { name, offset } = this.pendingImplicitEnd;
      this.pendingImplicitEnd = undefined;
      this.open.pop();
      if (this.open.length === 0) this.rootClosed = true;
      return { kind: 'end', name, implicit: true, offset };
    }
    const xml = this.xml;
    for (;;) {
      if (this.pos >= xml.length) {
        if (this.open.length > 0) this.fail(`unexpected end of document inside <${this.open.at(-1) ?? ''}>`);
        if (!this.rootSeen) this.fail('document has no root element');
        return undefined;
      }
      const start = this.pos;
      if (xml.charCodeAt(start) !== LT) {
        const text = this.readText();
        if (this.open.length === 0) {
          if (!isWhitespaceOnly(text)) this.fail('text outside the root element', start);
          continue;
        }
        return { kind: 'text', text, offset: start };
      }
      const c1 = xml.charCodeAt(start + 1);
      if (c1 === QUESTION) {
        this.skipPast('?>', start, 'processing instruction');
        continue;
      }
      if (c1 === BANG) {
        if (xml.startsWith('<!--', start)) {
          this.skipPast('-->', start, 'comment');
          continue;
        }
        if (xml.startsWith('<![CDATA[', start)) {
          if (this.open.length === 0) this.fail('CDATA outside the root element', start);
          const end = xml.indexOf(']]>', start + 9);
          if (end < 0) this.fail('unterminated CDATA section', start);
          this.pos = end + 3;
          return { kind: 'text', text: normaliseLineEnds(xml.slice(start + 9, end)), offset: start };
        }
        if (xml.startsWith('<!DOCTYPE', start)) {
          // Refused rather than ignored: a DTD is the only way to declare entities, and update
          // metadata never carries one (MS-WSUSSS GetUpdateData blobs have no prolog at all).
          this.fail('DOCTYPE declarations are not accepted', start);
        }
        this.fail('unknown markup declaration', start);
      }
      if (c1 === SLASH) return this.readEndTag(start);
      return this.readStartTag(start);
    }
  }

  private readStartTag(start: number): XmlToken {
    const xml = this.xml;
    if (this.rootClosed) this.fail('a second root element', start);
    let p = start + 1;
    const name = this.readName(p, 'element name');
    p += name.length;
    const attributes: XmlAttribute[] = [];
    let seen: Set<string> | undefined;
    for (;;) {
      const ws = p;
      while (p < xml.length && isSpace(xml.charCodeAt(p))) p++;
      if (p >= xml.length) this.fail(`unterminated start tag <${name}>`, start);
      const c = xml.charCodeAt(p);
      if (c === GT || c === SLASH) {
        const selfClosing = c === SLASH;
        if (selfClosing && xml.charCodeAt(p + 1) !== GT) this.fail(`expected "/>" in <${name}>`, p);
        this.pos = p + (selfClosing ? 2 : 1);
        if (this.open.length >= this.maxDepth) {
          throw new UpdateMetadataError(
            'UPDATE_METADATA.LIMIT_EXCEEDED',
            `element nesting deeper than ${this.maxDepth}`,
            undefined,
            start,
          );
        }
        this.open.push(name);
        this.rootSeen = true;
        if (selfClosing) this.pendingImplicitEnd = { name, offset: start };
        return { kind: 'start', name, attributes, selfClosing, offset: start };
      }
      if (p === ws) this.fail(`attributes of <${name}> must be separated by white space`, p);
      const attrName = this.readName(p, 'attribute name');
      p += attrName.length;
      while (p < xml.length && isSpace(xml.charCodeAt(p))) p++;
      if (xml.charCodeAt(p) !== EQ) this.fail(`attribute ${attrName} of <${name}> has no value`, p);
      p++;
      while (p < xml.length && isSpace(xml.charCodeAt(p))) p++;
      const quote = xml.charCodeAt(p);
      if (quote !== QUOT && quote !== APOS) this.fail(`attribute ${attrName} of <${name}> is not quoted`, p);
      const end = xml.indexOf(quote === QUOT ? '"' : "'", p + 1);
      if (end < 0) this.fail(`unterminated value of attribute ${attrName}`, p);
      const raw = xml.slice(p + 1, end);
      if (raw.includes('<')) this.fail(`"<" in the value of attribute ${attrName}`, p);
      if (attributes.length > 0) {
        if (seen === undefined) seen = new Set(attributes.map((a) => a.name));
        if (seen.has(attrName)) this.fail(`duplicate attribute ${attrName} on <${name}>`, p);
        seen.add(attrName);
      }
      if (attributes.length >= this.maxAttributes) {
        throw new UpdateMetadataError(
          'UPDATE_METADATA.LIMIT_EXCEEDED',
          `more than ${this.maxAttributes} attributes on <${name}>`,
          undefined,
          start,
        );
      }
      attributes.push({ name: attrName, value: this.decode(raw, p + 1, true) });
      p = end + 1;
    }
  }

  private readEndTag(start: number): XmlToken {
    const xml = this.xml;
    let p = start + 2;
    const name = this.readName(p, 'end tag name');
    p += name.length;
    while (p < xml.length && isSpace(xml.charCodeAt(p))) p++;
    if (xml.charCodeAt(p) !== GT) this.fail(`malformed end tag </${name}>`, start);
    const expected = this.open.at(-1);
    if (expected !== name) {
      this.fail(
        expected === undefined ? `end tag </${name}> without a start tag` : `</${name}> closes <${expected}>`,
        start,
      );
    }
    this.open.pop();
    if (this.open.length === 0) this.rootClosed = true;
    this.pos = p + 1;
    return { kind: 'end', name, implicit: false, offset: start };
  }

  private readName(p: number, what: string): string {
    const xml = this.xml;
    let e = p;
    while (e < xml.length && !isNameEnd(xml.charCodeAt(e))) e++;
    if (e === p || isBadNameStart(xml.charCodeAt(p))) this.fail(`invalid ${what}`, p);
    const name = xml.slice(p, e);
    const colon = name.indexOf(':');
    if (colon >= 0 && (colon === name.length - 1 || name.indexOf(':', colon + 1) >= 0)) {
      this.fail(`invalid qualified ${what} "${name}"`, p);
    }
    return name;
  }

  private readText(): string {
    const start = this.pos;
    let end = this.xml.indexOf('<', start);
    if (end < 0) end = this.xml.length;
    this.pos = end;
    const raw = this.xml.slice(start, end);
    if (raw.includes(']]>')) this.fail('"]]>" in character data', start);
    // Line ends are normalised before references are decoded, so `&#xD;` survives (XML 1.0 §2.11).
    return this.decode(normaliseLineEnds(raw), start, false);
  }

  private skipPast(terminator: string, start: number, what: string): void {
    const end = this.xml.indexOf(terminator, start + 2);
    if (end < 0) this.fail(`unterminated ${what}`, start);
    this.pos = end + terminator.length;
  }

  /** Decodes the five predefined entities and character references; anything else is an error. */
  private decode(raw: string, offset: number, attribute: boolean): string {
    let s = raw;
    if (attribute && /[\t\n\r]/.test(s)) {
      // XML 1.0 §3.3.3: literal white space in an attribute value becomes a space (after §2.11).
      s = s.replace(/\r\n?/g, '\n').replace(/[\t\n]/g, ' ');
    }
    if (!s.includes('&')) return s;
    let out = '';
    let last = 0;
    for (let amp = s.indexOf('&'); amp >= 0; amp = s.indexOf('&', last)) {
      const semi = s.indexOf(';', amp + 1);
      if (semi < 0 || semi - amp > 12) this.fail('unterminated reference', offset + amp);
      out += s.slice(last, amp);
      out += this.resolveReference(s.slice(amp + 1, semi), offset + amp);
      last = semi + 1;
    }
    return out + s.slice(last);
  }

  private resolveReference(ref: string, offset: number): string {
    switch (ref) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    let code = Number.NaN;
    if (/^#x[0-9a-fA-F]{1,6}$/.test(ref)) code = Number.parseInt(ref.slice(2), 16);
    else if (/^#[0-9]{1,7}$/.test(ref)) code = Number.parseInt(ref.slice(1), 10);
    else this.fail(`undefined entity &${ref};`, offset);
    const legal =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!legal) this.fail(`character reference &${ref}; is not a legal XML character`, offset);
    return String.fromCodePoint(code);
  }

  private fail(message: string, offset: number = this.pos): never {
    throw new UpdateMetadataError('UPDATE_METADATA.MALFORMED_XML', message, undefined, offset);
  }
}

function normaliseLineEnds(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

export function isWhitespaceOnly(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) return false;
  return true;
}
