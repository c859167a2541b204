import { invalidParameter, isNil, SoapRequestError, type XmlElement, WuspErrorCode } from '../soap/index.js';

/** Bounds a decoder applies on top of the envelope limits. Every default is a named constant with its source. */
export interface WuspDecodeOptions {
  /**
   * WS2025 accepts 400 InstalledNonLeafUpdateIDs and faults 401 with InvalidParameters
   * `parameters.InstalledNonLeafUpdateIDs` (observed-interop.md A.3; WSUS's MaxInstalledPrerequisites setting).
   */
  readonly maxInstalledNonLeafUpdateIds: number;
  /** GetConfig's MaxExtendedUpdatesPerRequest; revisionIDs may hold up to this many (≤, wusp.md §16.8). */
  readonly maxExtendedUpdatesPerRequest: number;
  /** WSUS 3.0 SP2 requires fewer than 200 requested categories (<52>, wusp.md §7.4). */
  readonly maxRequestedCategories: number;
  /** Any other list; the envelope's maxChildrenPerElement already bounds it structurally. */
  readonly maxArrayItems: number;
}

export const DEFAULT_MAX_INSTALLED_NON_LEAF_UPDATE_IDS = 400;
export const DEFAULT_MAX_EXTENDED_UPDATES_PER_REQUEST = 50;
export const DEFAULT_MAX_REQUESTED_CATEGORIES = 199;
/** 20 000: MS-WSUSSS rollup batches reach 20 000 entries (wsusss.md); client lists are far shorter (3679 observed). */
export const DEFAULT_MAX_ARRAY_ITEMS = 20_000;

export const DEFAULT_WUSP_DECODE_OPTIONS: WuspDecodeOptions = Object.freeze({
  maxInstalledNonLeafUpdateIds: DEFAULT_MAX_INSTALLED_NON_LEAF_UPDATE_IDS,
  maxExtendedUpdatesPerRequest: DEFAULT_MAX_EXTENDED_UPDATES_PER_REQUEST,
  maxRequestedCategories: DEFAULT_MAX_REQUESTED_CATEGORIES,
  maxArrayItems: DEFAULT_MAX_ARRAY_ITEMS,
});

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const INTEGER = /^[+-]?[0-9]+$/;
const DATE_TIME = /^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** xs: whitespace collapse for non-string simple types. */
const XML_WHITESPACE = /[\t\n\r ]+/g;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * Typed, validating access to one element of a request. Lookups are by local name in the service
 * namespace (elementFormDefault="qualified"); elements in other namespaces and unknown names are
 * ignored, because native clients add elements the WSDL lacks (observed-interop.md C.6).
 * `path` is what goes into a fault's Message, in WSUS's `parameters.InstalledNonLeafUpdateIDs` form.
 */
export class ElementReader {
  constructor(
    readonly element: XmlElement,
    readonly ns: string,
    readonly path: string,
    readonly options: WuspDecodeOptions,
  ) {}

  pathOf(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  /** The single child with this name; xsi:nil counts as absent (MS-WUSP §4 examples send `<SystemSpec xsi:nil="1" />`). */
  child(name: string): XmlElement | undefined {
    let found: XmlElement | undefined;
    for (const c of this.element.children) {
      if (c.ns !== this.ns || c.name !== name) continue;
      if (found !== undefined) throw invalidParameter(this.pathOf(name), `element ${name} repeated`);
      found = c;
    }
    return found === undefined || isNil(found) ? undefined : found;
  }

  /** First child matching any of the names (for elements whose spelling differs between spec and clients). */
  childOf(...names: string[]): { name: string; element: XmlElement } | undefined {
    for (const name of names) {
      const element = this.child(name);
      if (element !== undefined) return { name, element };
    }
    return undefined;
  }

  nested(name: string): ElementReader | undefined {
    const c = this.child(name);
    return c === undefined ? undefined : new ElementReader(c, this.ns, this.pathOf(name), this.options);
  }

  requiredNested(name: string): ElementReader {
    const r = this.nested(name);
    if (r === undefined) throw invalidParameter(this.pathOf(name), `${name} is required`);
    return r;
  }

  string(name: string): string | undefined {
    return this.child(name)?.text;
  }

  requiredString(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw invalidParameter(this.pathOf(name), `${name} is required`);
    return v;
  }

  int(name: string): number | undefined {
    return this.integer(name, -2147483648, 2147483647);
  }
  requiredInt(name: string): number {
    return required(this.int(name), this.pathOf(name));
  }
  requiredShort(name: string): number {
    return required(this.integer(name, -32768, 32767), this.pathOf(name));
  }
  unsignedByte(name: string): number | undefined {
    return this.integer(name, 0, 255);
  }
  requiredUnsignedByte(name: string): number {
    return required(this.unsignedByte(name), this.pathOf(name));
  }

  /** xs:long as bigint: DriverVerVersion packs a four-part version into 64 bits, beyond double precision. */
  requiredLong(name: string): bigint {
    const raw = this.token(name);
    if (raw === undefined) throw invalidParameter(this.pathOf(name), `${name} is required`);
    return parseLong(raw, this.pathOf(name));
  }

  boolean(name: string): boolean | undefined {
    const raw = this.token(name);
    if (raw === undefined) return undefined;
    return parseBoolean(raw, this.pathOf(name));
  }
  requiredBoolean(name: string): boolean {
    return required(this.boolean(name), this.pathOf(name));
  }

  /** xs:dateTime kept lexically: .NET writes 7 fraction digits that a Date would lose (fixture 03). */
  dateTime(name: string): string | undefined {
    const raw = this.token(name);
    if (raw === undefined) return undefined;
    if (!DATE_TIME.test(raw)) throw invalidParameter(this.pathOf(name), `${name} is not an xs:dateTime`);
    return raw;
  }
  requiredDateTime(name: string): string {
    return required(this.dateTime(name), this.pathOf(name));
  }

  guid(name: string): string | undefined {
    const raw = this.token(name);
    if (raw === undefined) return undefined;
    return parseGuid(raw, this.pathOf(name));
  }
  requiredGuid(name: string): string {
    return required(this.guid(name), this.pathOf(name));
  }

  base64(name: string): Uint8Array | undefined {
    const c = this.child(name);
    return c === undefined ? undefined : parseBase64(c.text, this.pathOf(name));
  }

  /**
   * A literal array `<Container><item/>…</Container>`. Absent or nil container → undefined (the first
   * SyncUpdates of a native scan omits its arrays entirely); empty container → []. Nil items are
   * skipped. The count is checked before any item is decoded.
   */
  array<T>(container: string, item: string | readonly string[], read: (item: ElementReader) => T, max = this.options.maxArrayItems): T[] | undefined {
    const c = this.child(container);
    if (c === undefined) return undefined;
    const itemNames = typeof item === 'string' ? [item] : item;
    const items = c.children.filter((e) => e.ns === this.ns && itemNames.includes(e.name));
    const path = this.pathOf(container);
    if (items.length > max) {
      throw new SoapRequestError('array-too-long', { errorCode: WuspErrorCode.InvalidParameters, message: path }, { diagnostic: `${path} has ${items.length} items, limit ${max}` });
    }
    return items.filter((e) => !isNil(e)).map((e) => read(new ElementReader(e, this.ns, path, this.options)));
  }

  requiredArray<T>(container: string, item: string | readonly string[], read: (item: ElementReader) => T, max?: number): T[] {
    const v = this.array(container, item, read, max);
    if (v === undefined) throw invalidParameter(this.pathOf(container), `${container} is required`);
    return v;
  }

  intArray(container: string, max = this.options.maxArrayItems): readonly number[] | undefined {
    // `array` specialised: a rescan sends a thousand ids, and a reader per item showed in profiles.
    const c = this.child(container);
    if (c === undefined) return undefined;
    const path = this.pathOf(container);
    // Items the parser packed (XmlParseOptions.packedIntLists): plain digits within xs:int, in order,
    // and then the element has no children.
    const packed = c.packedInts;
    const children = c.children;
    // The count first (before any item is decoded), without a filtered copy of the children.
    let count = packed?.length ?? 0;
    for (let k = 0; k < children.length; k += 1) if (children[k]!.ns === this.ns && children[k]!.name === 'int') count += 1;
    if (count > max) {
      throw new SoapRequestError('array-too-long', { errorCode: WuspErrorCode.InvalidParameters, message: path }, { diagnostic: `${path} has ${count} items, limit ${max}` });
    }
    if (packed !== undefined) return packed;
    const values: number[] = [];
    for (let k = 0; k < children.length; k += 1) {
      const e = children[k]!;
      if (e.ns === this.ns && e.name === 'int' && !isNil(e)) values.push(parseInteger(e.text, path, -2147483648, 2147483647));
    }
    return values;
  }
  stringArray(container: string, max?: number): string[] | undefined {
    return this.array(container, 'string', (r) => r.element.text, max);
  }
  guidArray(container: string, max?: number): string[] | undefined {
    return this.array(container, 'guid', (r) => parseGuid(r.element.text.trim(), r.path), max);
  }

  /** Unqualified attribute (the rollup types carry their data in attributes). */
  attr(name: string): string | undefined {
    return this.element.attributes.find((a) => a.ns === '' && a.name === name)?.value;
  }
  requiredAttr<T>(name: string, parse: (raw: string, path: string) => T): T {
    const raw = this.attr(name);
    const path = `${this.path}@${name}`;
    if (raw === undefined) throw invalidParameter(path, `attribute ${name} is required`);
    return parse(raw.trim(), path);
  }

  // Value of the element itself, for array items and simple-content elements.
  ownInt(): number {
    return parseInteger(this.element.text, this.path, -2147483648, 2147483647);
  }

  private token(name: string): string | undefined {
    const c = this.child(name);
    return c === undefined ? undefined : c.text.replace(XML_WHITESPACE, ' ').trim();
  }

  private integer(name: string, min: number, max: number): number | undefined {
    const raw = this.token(name);
    return raw === undefined ? undefined : parseInteger(raw, this.pathOf(name), min, max);
  }
}

function required<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw invalidParameter(path, `${path} is required`);
  return value;
}

export function parseInteger(raw: string, path: string, min: number, max: number): number {
  // Plain digits (a rescan's thousand ids): no trim, regex or Number() per id. Anything else —
  // whitespace, a sign, 16 digits or more — takes the general path below.
  const length = raw.length;
  if (length > 0 && length < 16) {
    let n = 0;
    let k = 0;
    for (; k < length; k += 1) {
      const d = raw.charCodeAt(k) - 0x30;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (k === length) {
      if (n < min || n > max) throw invalidParameter(path, `${path} is out of range`);
      return n;
    }
  }
  const v = raw.trim();
  if (!INTEGER.test(v)) throw invalidParameter(path, `${path} is not an integer`);
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalidParameter(path, `${path} is out of range`);
  return n;
}

function parseLong(raw: string, path: string): bigint {
  if (!INTEGER.test(raw)) throw invalidParameter(path, `${path} is not an integer`);
  const n = BigInt(raw);
  if (n < -(2n ** 63n) || n > 2n ** 63n - 1n) throw invalidParameter(path, `${path} is out of range`);
  return n;
}

export function parseDateTime(raw: string, path: string): string {
  const v = raw.trim();
  if (!DATE_TIME.test(v)) throw invalidParameter(path, `${path} is not an xs:dateTime`);
  return v;
}

export const parseInt32 = (raw: string, path: string): number => parseInteger(raw, path, -2147483648, 2147483647);
export const parseInt16 = (raw: string, path: string): number => parseInteger(raw, path, -32768, 32767);
export const parseUInt8 = (raw: string, path: string): number => parseInteger(raw, path, 0, 255);

export function parseBoolean(raw: string, path: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw invalidParameter(path, `${path} is not a boolean`);
}

export function parseGuid(raw: string, path: string): string {
  const v = raw.trim();
  if (!GUID.test(v)) throw invalidParameter(path, `${path} is not a GUID`);
  return v;
}

/** xs:base64Binary allows whitespace anywhere (the §4 examples wrap cookies over several lines). */
export function parseBase64(raw: string, path: string): Uint8Array {
  const compact = raw.replace(XML_WHITESPACE, '');
  if (!BASE64.test(compact)) throw invalidParameter(path, `${path} is not base64`);
  return new Uint8Array(Buffer.from(compact, 'base64'));
}
