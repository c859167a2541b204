import { element, invalidParameter, type XmlNode } from '../soap/index.js';
import type { Cookie, CookieOut, FileLocation } from './wusp-common.types.js';
import { arrayNode, cookieNode, fileLocationNode, readRequiredCookie, responseElement } from './wusp-common.codec.js';
import { parseBase64, type ElementReader } from './wusp-value.reader.js';
import { CLIENT_NS } from './wusp.namespaces.js';

/** SHA-1 digest length: every fileDigests entry MUST be 20 bytes (§3.1.5.10). */
export const SHA1_DIGEST_BYTES = 20;

export interface GetFileLocationsRequest {
  readonly cookie: Cookie;
  readonly fileDigests: readonly Uint8Array[];
}

export function decodeGetFileLocations(r: ElementReader): GetFileLocationsRequest {
  const cookie = readRequiredCookie(r);
  const fileDigests = r.requiredArray('fileDigests', 'base64Binary', (d) => {
    const digest = parseBase64(d.element.text, d.path);
    if (digest.byteLength !== SHA1_DIGEST_BYTES) throw invalidParameter(d.path, `digest of ${digest.byteLength} bytes`);
    return digest;
  });
  return { cookie, fileDigests };
}

export interface GetFileLocationsResponse {
  readonly fileLocations?: readonly FileLocation[];
  readonly newCookie?: CookieOut;
}

export function encodeGetFileLocationsResponse(result: GetFileLocationsResponse): XmlNode {
  return responseElement(CLIENT_NS, 'GetFileLocations', [
    element('GetFileLocationsResult', [arrayNode('FileLocations', result.fileLocations, fileLocationNode), cookieNode('NewCookie', result.newCookie)]),
  ]);
}
