import { DEFAULT_SOAP_LIMITS, escapeText, parseXmlDocument, type XmlElement } from '#wsus-codecs';

/**
 * The small XML kit of the test client: requests written the way the native Windows Update Agent
 * writes them (compact `s:` envelope, default namespace on the operation element, no declaration,
 * see ../shared/fixtures/wusp-native-scan), and responses read by local name, prefix-blind.
 */
export const SOAP11_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

export type XmlNode = string | { readonly name: string; readonly children?: readonly XmlNode[]; readonly nil?: boolean };

export function el(name: string, ...children: XmlNode[]): XmlNode {
  return { name, children };
}

export function text(name: string, value: string | number | boolean): XmlNode {
  return { name, children: [escapeText(String(value))] };
}

/**
 * `<name><int>…</int>…</name>`, written at once as raw text: a rescan's id lists (a thousand ids and
 * more) are most of its request, and a whole number needs no escaping. Same bytes as
 * `el(name, ...ids.map((id) => text('int', id)))`.
 */
export function intList(name: string, ids: Iterable<number>): XmlNode {
  const items: string[] = [];
  for (const id of ids) {
    if (!Number.isSafeInteger(id)) throw new Error(`${name}: ${id} is not a whole number`);
    items.push(`<int>${id}</int>`);
  }
  // Joined, not appended one by one: `+=` makes a rope of a node per id, which a CachedIdSet would
  // then keep (a thousand computers' ropes in the fleet's old generation) and walk on every send.
  return items.length === 0 ? `<${name}/>` : `<${name}>${items.join('')}</${name}>`;
}

/**
 * A client's cached ids (InstalledNonLeafUpdateIDs, OtherCachedUpdateIDs): a set that keeps its
 * `intList` text until it changes. A steady rescan sends the same ~830 ids (100k revisions) on every
 * call, and writing them anew each time was a tenth of the bench fleet's CPU and most of its garbage,
 * which then shared the machine's two cores with the server being measured.
 */
export class CachedIdSet extends Set<number> {
  private readonly written = new Map<string, string>();

  override add(id: number): this {
    if (!this.has(id)) this.written?.clear();
    return super.add(id);
  }

  override delete(id: number): boolean {
    const deleted = super.delete(id);
    if (deleted) this.written.clear();
    return deleted;
  }

  override clear(): void {
    this.written?.clear();
    super.clear();
  }

  /** `intList(name, this)`, written once per content and name. */
  intList(name: string): string {
    let xml = this.written.get(name);
    if (xml === undefined) {
      xml = intList(name, this) as string;
      this.written.set(name, xml);
    }
    return xml;
  }
}

export function write(node: XmlNode): string {
  if (typeof node === 'string') return node;
  if (!node.children || node.children.length === 0) return `<${node.name}/>`;
  return `<${node.name}>${node.children.map(write).join('')}</${node.name}>`;
}

export function envelope(namespace: string, operation: string, children: readonly XmlNode[]): string {
  return (
    `<s:Envelope xmlns:s="${SOAP11_ENVELOPE_NS}"><s:Body><${operation} xmlns="${namespace}">` +
    `${children.map(write).join('')}</${operation}></s:Body></s:Envelope>`
  );
}

/** Response limits are wider than request limits: a SyncUpdates page can be large. */
const RESPONSE_LIMITS = { ...DEFAULT_SOAP_LIMITS, maxBodyBytes: 256 * 1024 * 1024, maxElements: 5_000_000 };

export function parseResponse(xml: string): XmlElement {
  return parseXmlDocument(xml, RESPONSE_LIMITS);
}

/** Children by local name, namespace-blind: the test client checks namespaces separately. */
export function kids(node: XmlElement | undefined, name: string): XmlElement[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

export function kid(node: XmlElement | undefined, name: string): XmlElement | undefined {
  return node?.children.find((c) => c.name === name);
}

export function path(node: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let current = node;
  for (const name of names) current = kid(current, name);
  return current;
}

/**
 * A copy of `s` that keeps nothing else alive. V8 keeps a substring of 13 or more characters as a
 * slice of its parent string, and `toLowerCase()` of an already lower-case slice is the slice itself:
 * an update id read from a SyncUpdates page would keep that update's core XML (or the whole response)
 * alive for as long as a client caches the id. A fleet of a thousand simulated computers caching a
 * thousand ids each then holds gigabytes, and its garbage collection is timed as server latency.
 */
export function detached(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

export function textOf(node: XmlElement | undefined, ...names: string[]): string | undefined {
  return path(node, ...names)?.text;
}
