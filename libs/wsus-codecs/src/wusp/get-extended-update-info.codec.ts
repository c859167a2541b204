import { element, invalidParameter, textElement, type XmlNode } from '../soap/index.js';
import { type Cookie, type FileLocation, XML_UPDATE_FRAGMENT_TYPES, type XmlUpdateFragmentType } from './wusp-common.types.js';
import { arrayNode, fileLocationNode, intArrayNode, intText, optionalText, readRequiredCookie, responseElement, stripUndefined } from './wusp-common.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { CLIENT_NS } from './wusp.namespaces.js';

export interface GetExtendedUpdateInfoRequest {
  readonly cookie: Cookie;
  readonly revisionIds: readonly number[];
  readonly infoTypes: readonly XmlUpdateFragmentType[];
  readonly locales?: readonly string[];
  /** ISO-3166 alpha-3 region for EULA fragments (Windows 11 22H2+). */
  readonly geoId?: string;
  readonly callerAttributes?: string;
  /** Sent by Windows 11 although absent from the WSDL (fixture 10). */
  readonly deviceAttributes?: string;
}

/** infoTypes MUST be present; locales MUST be present when Eula or LocalizedProperties is asked for (§3.1.5.9). */
export function readInfoTypesAndLocales(r: ElementReader): { infoTypes: XmlUpdateFragmentType[]; locales: string[] | undefined } {
  const infoTypes = r.requiredArray('infoTypes', 'XmlUpdateFragmentType', (t) => {
    const v = t.element.text.trim();
    // One enum serves both methods in the WSDL, so FileUrl/FileDecryption are schema-valid here too.
    if (!(XML_UPDATE_FRAGMENT_TYPES as readonly string[]).includes(v)) throw invalidParameter(t.path, `unknown fragment type ${v}`);
    return v as XmlUpdateFragmentType;
  });
  if (infoTypes.length === 0) throw invalidParameter(r.pathOf('infoTypes'), 'infoTypes is empty');
  const locales = r.stringArray('locales');
  if ((infoTypes.includes('Eula') || infoTypes.includes('LocalizedProperties')) && (locales === undefined || locales.length === 0)) {
    throw invalidParameter(r.pathOf('locales'), 'locales required for Eula/LocalizedProperties');
  }
  return { infoTypes, locales };
}

/**
 * revisionIDs count must stay within MaxExtendedUpdatesPerRequest. The spec says "smaller than"; native
 * clients send exactly that many, so ≤ is accepted (wusp.md §16.8).
 */
export function decodeGetExtendedUpdateInfo(r: ElementReader): GetExtendedUpdateInfoRequest {
  const cookie = readRequiredCookie(r);
  const revisionIds = r.intArray('revisionIDs', r.options.maxExtendedUpdatesPerRequest);
  if (revisionIds === undefined) throw invalidParameter('revisionIDs', 'revisionIDs is required');
  const { infoTypes, locales } = readInfoTypesAndLocales(r);
  return stripUndefined<GetExtendedUpdateInfoRequest>({
    cookie,
    revisionIds,
    infoTypes,
    locales,
    geoId: r.string('GeoId'),
    callerAttributes: r.string('callerAttributes'),
    deviceAttributes: r.string('deviceAttributes'),
  });
}

/** UpdateData: one per (revision, fragment) – Extended and LocalizedProperties give two entries with the same ID. */
export interface UpdateData {
  readonly id: number;
  /** The fragment text; the writer escapes it (`&lt;ExtendedProperties …`, fixture 10). */
  readonly xml: string;
}

export interface GetExtendedUpdateInfoResponse {
  readonly updates?: readonly UpdateData[];
  readonly fileLocations?: readonly FileLocation[];
  readonly outOfScopeRevisionIds?: readonly number[];
}

export function updateDataArrayNode(updates: readonly UpdateData[] | undefined): XmlNode | undefined {
  return arrayNode('Updates', updates, (u) => element('Update', [textElement('ID', intText(u.id)), optionalText('Xml', u.xml)]));
}

export function encodeGetExtendedUpdateInfoResponse(result: GetExtendedUpdateInfoResponse): XmlNode {
  return responseElement(CLIENT_NS, 'GetExtendedUpdateInfo', [
    element('GetExtendedUpdateInfoResult', [
      updateDataArrayNode(result.updates),
      arrayNode('FileLocations', result.fileLocations, fileLocationNode),
      intArrayNode('OutOfScopeRevisionIDs', result.outOfScopeRevisionIds),
    ]),
  ]);
}
