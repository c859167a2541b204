import { element, SoapRequestError, textElement, WuspErrorCode, type XmlNode } from '../soap/index.js';
import type { AuthorizationCookie, ClientMetadata, Cookie, CookieOut, Deployment, FileLocation, UpdateIdentity, UpdateInfo, XmlDateTime } from './wusp-common.types.js';
import { type ElementReader } from './wusp-value.reader.js';

// ---------------------------------------------------------------- decoding

/**
 * A Cookie parameter. Any structural problem is InvalidCookie, not InvalidParameters: the spec's only
 * outcome for a cookie the server cannot use is InvalidCookie (§3.1.5.5 ff.), which makes the client
 * re-handshake instead of retrying a request that can never succeed.
 */
export function readCookie(parent: ElementReader, name: string, options: { required: boolean; requireEncryptedData: boolean }): Cookie | undefined {
  try {
    const r = parent.nested(name);
    if (r === undefined) {
      if (options.required) throw new Error(`${name} is required`);
      return undefined;
    }
    const expiration = r.requiredDateTime('Expiration');
    const encryptedData = r.base64('EncryptedData');
    if (encryptedData === undefined && options.requireEncryptedData) throw new Error(`${name}.EncryptedData is required`);
    return encryptedData === undefined ? { expiration } : { expiration, encryptedData };
  } catch (cause) {
    throw new SoapRequestError('invalid-cookie', { errorCode: WuspErrorCode.InvalidCookie, message: parent.pathOf(name) }, {
      cause,
      diagnostic: `invalid ${name}: ${cause instanceof Error ? cause.message : String(cause)}`,
    });
  }
}

/** The `cookie` every Client/Reporting operation after GetCookie carries ("This element MUST be present"). */
export function readRequiredCookie(parent: ElementReader): Cookie {
  return readCookie(parent, 'cookie', { required: true, requireEncryptedData: true }) as Cookie;
}

export function readAuthorizationCookie(r: ElementReader): AuthorizationCookie {
  const plugInId = r.string('PlugInId');
  const cookieData = r.base64('CookieData');
  if (cookieData === undefined) throw new Error('CookieData is required');
  return plugInId === undefined ? { cookieData } : { plugInId, cookieData };
}

export function readUpdateIdentity(r: ElementReader): UpdateIdentity {
  return { updateId: r.requiredGuid('UpdateID'), revisionNumber: r.requiredInt('RevisionNumber') };
}

/** Key=Value; lists such as DeviceAttributes / callerAttributes (fixtures 06-10). Later keys win. */
export function parseAttributeList(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) out.set(part, '');
    else out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

/**
 * Drop keys whose value is undefined so decoded objects match optional-property types and compare cleanly.
 * A plain copy, key by key: `Object.fromEntries(Object.entries(…).filter(…))` built two arrays per
 * object, and a driver pass decodes two objects for each of a computer's hundred-odd devices (it was
 * 5 % of a steady rescan's server CPU).
 */
export function stripUndefined<T extends object>(value: { [K in keyof Required<T>]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}

// ---------------------------------------------------------------- encoding

/**
 * .NET XmlSerializer's DateTime form: round-trip with trailing fraction zeros dropped
 * (`2026-10-04T13:17:07.59Z`, `2026-10-04T15:03:36Z` in the fixtures).
 */
export function formatXmlDateTime(value: XmlDateTime): string {
  if (typeof value === 'string') return value;
  if (Number.isNaN(value.getTime())) throw new RangeError('invalid Date');
  return value.toISOString().replace(/\.?0+Z$/, 'Z').replace(/\.Z$/, 'Z');
}

export function base64Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function boolText(value: boolean): string {
  return value ? 'true' : 'false';
}

/** Element for an optional value: undefined leaves the element out (WS2025 omits empty optionals). */
export function optionalText(name: string, value: string | number | undefined): XmlNode | undefined {
  return value === undefined ? undefined : textElement(name, String(value));
}

/** Array encoders: undefined omits the container, [] writes `<Name/>` (observed-interop.md A.1). */
export function arrayNode<T>(name: string, items: readonly T[] | undefined, item: (value: T) => XmlNode): XmlNode | undefined {
  return items === undefined ? undefined : element(name, items.map(item));
}
export const intArrayNode = (name: string, ids: readonly number[] | undefined) => arrayNode(name, ids, (id) => textElement('int', intText(id)));
export const stringArrayNode = (name: string, values: readonly string[] | undefined) => arrayNode(name, values, (v) => textElement('string', v));
export const guidArrayNode = (name: string, values: readonly string[] | undefined) => arrayNode(name, values, (v) => textElement('guid', v));
export const base64ArrayNode = (name: string, values: readonly Uint8Array[] | undefined) => arrayNode(name, values, (v) => textElement('base64Binary', base64Text(v)));

export function intText(value: number): string {
  if (!Number.isInteger(value)) throw new RangeError(`not an integer: ${value}`);
  return String(value);
}

export function cookieNode(name: string, cookie: CookieOut | undefined): XmlNode | undefined {
  if (cookie === undefined) return undefined;
  return element(name, [
    textElement('Expiration', formatXmlDateTime(cookie.expiration)),
    cookie.encryptedData === undefined ? undefined : textElement('EncryptedData', base64Text(cookie.encryptedData)),
  ]);
}

export function updateIdentityNode(name: string, id: UpdateIdentity): XmlNode {
  return element(name, [textElement('UpdateID', id.updateId), textElement('RevisionNumber', intText(id.revisionNumber))]);
}

function clientMetadataNode(m: ClientMetadata): XmlNode {
  const v = m.verification;
  return element('ClientMetadata', [
    textElement('MetadataType', m.metadataType),
    textElement('Metadata', m.metadata),
    v === undefined
      ? undefined
      : element('Verification', [], [
          ['Timestamp', formatXmlDateTime(v.timestamp)],
          ['LeafCertificateId', String(v.leafCertificateId)],
          ['Signature', base64Text(v.signature)],
          ['Algorithm', v.algorithm],
        ]),
  ]);
}

/**
 * Deployment in WSDL order. The WSDL spells the last element " ClientBehaviors" (leading space, a
 * transcription typo); the spec body's `ClientBehaviors` is written.
 */
export function deploymentNode(d: Deployment): XmlNode {
  return element('Deployment', [
    textElement('ID', intText(d.id)),
    textElement('Action', d.action),
    optionalText('Deadline', d.deadline),
    textElement('IsAssigned', boolText(d.isAssigned)),
    textElement('LastChangeTime', d.lastChangeTime),
    optionalText('DownloadPriority', d.downloadPriority),
    stringArrayNode('HardwareIds', d.hardwareIds),
    optionalText('AutoSelect', d.autoSelect),
    optionalText('AutoDownload', d.autoDownload),
    optionalText('SupersedenceBehavior', d.supersedenceBehavior),
    optionalText('FlagBitmask', d.flagBitmask),
    arrayNode('ClientBehaviors', d.clientBehaviors, clientMetadataNode),
  ]);
}

export function updateInfoNode(u: UpdateInfo): XmlNode {
  return element('UpdateInfo', [
    textElement('ID', intText(u.id)),
    u.deployment === undefined ? undefined : deploymentNode(u.deployment),
    textElement('IsLeaf', boolText(u.isLeaf)),
    optionalText('Xml', u.xml),
  ]);
}

export function fileLocationNode(f: FileLocation): XmlNode {
  return element('FileLocation', [
    textElement('FileDigest', base64Text(f.fileDigest)),
    textElement('Url', f.url),
    optionalText('PiecesHashUrl', f.piecesHashUrl),
    optionalText('BlockMapUrl', f.blockMapUrl),
    optionalText('DecryptionInformation', f.decryptionInformation),
    optionalText('FileDigestAlgorithm', f.fileDigestAlgorithm),
    f.encryptedFileDigest === undefined ? undefined : textElement('EncryptedFileDigest', base64Text(f.encryptedFileDigest)),
    optionalText('EncryptedFileDigestAlgorithm', f.encryptedFileDigestAlgorithm),
  ]);
}

/** `<OpResponse xmlns="<service ns>">…`: the default namespace on the response element, as in every fixture. */
export function responseElement(namespace: string, operation: string, children: ReadonlyArray<XmlNode | undefined>): XmlNode {
  return element(`${operation}Response`, children, [['xmlns', namespace]]);
}
