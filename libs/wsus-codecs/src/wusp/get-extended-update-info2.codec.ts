import { element, textElement, type XmlNode } from '../soap/index.js';
import type { Cookie, FileLocation, UpdateIdentity, XmlUpdateFragmentType } from './wusp-common.types.js';
import { arrayNode, base64ArrayNode, base64Text, boolText, fileLocationNode, readRequiredCookie, readUpdateIdentity, responseElement, stripUndefined, updateIdentityNode } from './wusp-common.codec.js';
import { readInfoTypesAndLocales, type UpdateData, updateDataArrayNode } from './get-extended-update-info.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { CLIENT_NS } from './wusp.namespaces.js';

/**
 * GetExtendedUpdateInfo2 (§2.2.2.2.10). The spec gives message syntax only; the presence rules of
 * GetExtendedUpdateInfo (infoTypes required, locales with Eula/LocalizedProperties) are applied by analogy.
 */
export interface GetExtendedUpdateInfo2Request {
  readonly cookie: Cookie;
  readonly updateIds: readonly UpdateIdentity[];
  readonly infoTypes: readonly XmlUpdateFragmentType[];
  readonly locales?: readonly string[];
  readonly callerAttributes?: string;
  /** Tolerated like on GetExtendedUpdateInfo. */
  readonly deviceAttributes?: string;
}

export function decodeGetExtendedUpdateInfo2(r: ElementReader): GetExtendedUpdateInfo2Request {
  const cookie = readRequiredCookie(r);
  const updateIds = r.requiredArray('updateIDs', 'UpdateIdentity', readUpdateIdentity);
  const { infoTypes, locales } = readInfoTypesAndLocales(r);
  return stripUndefined<GetExtendedUpdateInfo2Request>({
    cookie,
    updateIds,
    infoTypes,
    locales,
    callerAttributes: r.string('callerAttributes'),
    deviceAttributes: r.string('deviceAttributes'),
  });
}

export interface FileDecryption {
  readonly fileDigest: Uint8Array;
  readonly decryptionKey: Uint8Array;
  /** WSUS returns exactly one element equal to the decryption key. */
  readonly securityData: readonly Uint8Array[];
}

export interface UpdateEncryptionDetail {
  readonly updateIdentity: UpdateIdentity;
  readonly hasEncryptedFiles: boolean;
}

export interface GetExtendedUpdateInfo2Response {
  readonly updates?: readonly UpdateData[];
  readonly fileLocations?: readonly FileLocation[];
  readonly fileDecryptionData?: readonly FileDecryption[];
  readonly fileDecryptionData2?: readonly FileDecryption[];
  readonly updateEncryptionDetails?: readonly UpdateEncryptionDetail[];
}

function fileDecryptionNode(name: string, f: FileDecryption): XmlNode {
  return element(name, [
    textElement('FileDigest', base64Text(f.fileDigest)),
    textElement('DecryptionKey', base64Text(f.decryptionKey)),
    base64ArrayNode('SecurityData', f.securityData),
  ]);
}

export function encodeGetExtendedUpdateInfo2Response(result: GetExtendedUpdateInfo2Response): XmlNode {
  return responseElement(CLIENT_NS, 'GetExtendedUpdateInfo2', [
    element('GetExtendedUpdateInfo2Result', [
      updateDataArrayNode(result.updates),
      arrayNode('FileLocations', result.fileLocations, fileLocationNode),
      arrayNode('FileDecryptionData', result.fileDecryptionData, (f) => fileDecryptionNode('FileDecryption', f)),
      arrayNode('FileDecryptionData2', result.fileDecryptionData2, (f) => fileDecryptionNode('FileDecryption2', f)),
      arrayNode('UpdateEncryptionDetails', result.updateEncryptionDetails, (d) =>
        element('UpdateEncryptionDetail', [updateIdentityNode('UpdateIdentity', d.updateIdentity), textElement('HasEncryptedFiles', boolText(d.hasEncryptedFiles))]),
      ),
    ]),
  ]);
}
