import { SoapRequestError } from './soap-request.error.js';
import type { SoapLimits } from './soap-limits.config.js';

/**
 * One linear pass over the raw document before any parser allocates a tree. It refuses:
 * - any markup declaration (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`, `<!ATTLIST`, …): SOAP 1.1 §3 and SOAP 1.2
 *   part 1 §5 forbid a DTD in a SOAP message, so a DTD is never expanded or fetched, just refused;
 * - nesting deeper than `maxDepth`, more than `maxElements` elements, more than `maxChildrenPerElement`
 *   children under one element (the generic bound on every array);
 * - unbalanced or crossed tags, a second root, and text outside the root.
 * It is deliberately not a full parser: attribute syntax and names are left to the validator that follows.
 */
export function prescanXml(xml: string, limits: SoapLimits): void {
  const open: string[] = [];
  const childCounts: number[] = [];
  let elements = 0;
  let rootClosed = false;
  let i = 0;
  const n = xml.length;
  let lastName: string | undefined;

  while (i < n) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (open.length === 0 && textEnd > i && !isBlank(xml, i, textEnd)) throw malformed('text outside the root element');
    if (lt < 0) break;

    const c1 = xml.charCodeAt(lt + 1);
    if (c1 === 0x3f /* ? */) {
      i = after(xml, '?>', lt + 2, 'unterminated processing instruction');
      continue;
    }
    if (c1 === 0x21 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        i = after(xml, '-->', lt + 4, 'unterminated comment');
        continue;
      }
      if (xml.startsWith('<![CDATA[', lt)) {
        if (open.length === 0) throw malformed('CDATA outside the root element');
        i = after(xml, ']]>', lt + 9, 'unterminated CDATA section');
        continue;
      }
      throw new SoapRequestError('dtd-forbidden', { message: 'request' }, { diagnostic: 'DTD / markup declarations are not allowed in SOAP messages' });
    }
    if (c1 === 0x2f /* / */) {
      const gt = xml.indexOf('>', lt + 2);
      if (gt < 0) throw malformed('unterminated end tag');
      const expected = open.pop();
      childCounts.pop();
      // `</name>` exactly: no copy of the name to compare (the usual case, a thousand times per rescan).
      const exact = expected !== undefined && gt === lt + 2 + expected.length && xml.startsWith(expected, lt + 2);
      if (!exact) {
        const name = xml.slice(lt + 2, gt).trimEnd();
        if (expected !== name) throw malformed(`end tag </${name}> does not match <${expected ?? ''}>`);
      }
      if (open.length === 0) rootClosed = true;
      i = gt + 1;
      continue;
    }

    // Start tag: find its '>' outside quoted attribute values.
    let j = lt + 1;
    let quote = 0;
    for (; j < n; j++) {
      const c = xml.charCodeAt(j);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) quote = c;
      else if (c === 0x3e /* > */) break;
      else if (c === 0x3c /* < */) throw malformed('"<" inside a tag');
    }
    if (j >= n) throw malformed('unterminated start tag');
    const selfClosing = xml.charCodeAt(j - 1) === 0x2f;
    const to = Math.min(j, lt + 257);
    // A name like the previous start tag's (a thousand `<int>` in a row) is compared in place and reused.
    const name = lastName !== undefined && isStartTagNameAt(xml, lt + 1, to, lastName) ? lastName : startTagName(xml, lt + 1, to);
    if (name === undefined) throw malformed('start tag without a name');
    lastName = name;
    if (open.length === 0 && rootClosed) throw malformed('more than one root element');

    if (++elements > limits.maxElements) {
      throw new SoapRequestError('too-many-elements', { message: 'request' }, { diagnostic: `more than ${limits.maxElements} elements` });
    }
    const parent = childCounts.length - 1;
    if (parent >= 0) {
      const count = (childCounts[parent] ?? 0) + 1;
      childCounts[parent] = count;
      if (count > limits.maxChildrenPerElement) {
        throw new SoapRequestError('too-many-children', { message: open[parent] ?? 'request' }, {
          diagnostic: `more than ${limits.maxChildrenPerElement} children in <${open[parent] ?? ''}>`,
        });
      }
    }
    if (open.length + 1 > limits.maxDepth) {
      throw new SoapRequestError('too-deep', { message: 'request' }, { diagnostic: `element nesting deeper than ${limits.maxDepth}` });
    }
    if (selfClosing) {
      if (open.length === 0) rootClosed = true;
      i = j + 1;
      continue;
    }
    // `<int>42</int>` (a rescan's ~830 ids at 100k revisions): digits, then this tag's exact end tag,
    // is an element without children whose text nothing here checks; it is counted above and passed
    // over without the push, pop and searches of the general path. Anything else goes that way.
    let k = j + 1;
    let c = xml.charCodeAt(k);
    while (c >= 0x30 && c <= 0x39) c = xml.charCodeAt(++k);
    if (open.length > 0 && c === 0x3c && xml.charCodeAt(k + 1) === 0x2f && xml.charCodeAt(k + 2 + name.length) === 0x3e && xml.startsWith(name, k + 2)) {
      i = k + 3 + name.length;
      continue;
    }
    open.push(name);
    childCounts.push(0);
    i = j + 1;
  }

  if (open.length > 0) throw malformed(`unclosed element <${open[open.length - 1] ?? ''}>`);
  if (!rootClosed) throw malformed('no root element');
}

/**
 * `/^[^\s/>]+/` over xml[from, to): the start tag's name as the checks above compare it. ASCII is
 * scanned by character code (a regex and a copy per element showed in rescan profiles); the first
 * non-ASCII character hands over to the regex, whose idea of whitespace is Unicode's.
 */
function startTagName(xml: string, from: number, to: number): string | undefined {
  let k = from;
  for (; k < to; k += 1) {
    const c = xml.charCodeAt(k);
    if (c >= 0x80) return /^[^\s/>]+/.exec(xml.slice(from, to))?.[0];
    // \s in ASCII: tab, LF, VT, FF, CR, space.
    if (c === 0x2f || c === 0x3e || c === 0x20 || (c >= 0x09 && c <= 0x0d)) break;
  }
  return k === from ? undefined : xml.slice(from, k);
}

/**
 * Whether `startTagName(xml, from, to)` would return `name` (a name it returned before), without
 * copying: the same characters, then `to` (where the scan stops) or a character that ends a name in ASCII.
 */
function isStartTagNameAt(xml: string, from: number, to: number, name: string): boolean {
  const end = from + name.length;
  if (end > to || !xml.startsWith(name, from)) return false;
  if (end === to) return true;
  const c = xml.charCodeAt(end);
  return c === 0x2f || c === 0x3e || c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function after(xml: string, terminator: string, from: number, problem: string): number {
  const end = xml.indexOf(terminator, from);
  if (end < 0) throw malformed(problem);
  return end + terminator.length;
}

function isBlank(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = s.charCodeAt(k);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return false;
  }
  return true;
}

function malformed(diagnostic: string): SoapRequestError {
  return new SoapRequestError('malformed-xml', { message: 'request' }, { diagnostic: `malformed XML: ${diagnostic}` });
}
