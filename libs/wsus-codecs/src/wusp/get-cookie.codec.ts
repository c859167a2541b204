import { invalidParameter, SoapRequestError, type XmlNode, WuspErrorCode } from '../soap/index.js';
import { PROTOCOL_VERSION } from './get-config.codec.js';
import type { AuthorizationCookie, Cookie, CookieOut } from './wusp-common.types.js';
import { cookieNode, readAuthorizationCookie, readCookie, responseElement } from './wusp-common.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { CLIENT_NS } from './wusp.namespaces.js';

/** GetCookie (§2.2.2.2.2, wusp.md §7.2). */
export interface GetCookieRequest {
  /** authCookies MUST hold exactly one AuthorizationCookie. */
  readonly authCookie: AuthorizationCookie;
  /** On first contact the native client sends an oldCookie with Expiration only (fixture 03). */
  readonly oldCookie?: Cookie;
  readonly lastChange: string;
  readonly currentTime: string;
  readonly protocolVersion: string;
}

export function decodeGetCookie(r: ElementReader): GetCookieRequest {
  const authCookies = (() => {
    try {
      return r.array('authCookies', 'AuthorizationCookie', readAuthorizationCookie, 1);
    } catch (cause) {
      throw invalidAuthorizationCookie(cause);
    }
  })();
  const [authCookie, ...others] = authCookies ?? [];
  // §3.1.5.4 validation table: authCookies must contain exactly one cookie → InvalidAuthorizationCookie.
  if (authCookie === undefined || others.length > 0) throw invalidAuthorizationCookie();
  const oldCookie = readCookie(r, 'oldCookie', { required: false, requireEncryptedData: false });
  const lastChange = r.requiredDateTime('lastChange');
  const currentTime = r.requiredDateTime('currentTime');
  const protocolVersion = r.string('protocolVersion')?.trim();
  if (protocolVersion === undefined || !PROTOCOL_VERSION.test(protocolVersion)) throw invalidParameter('protocolVersion');
  return { authCookie, ...(oldCookie ? { oldCookie } : {}), lastChange, currentTime, protocolVersion };
}

function invalidAuthorizationCookie(cause?: unknown): SoapRequestError {
  return new SoapRequestError('invalid-authorization-cookie', { errorCode: WuspErrorCode.InvalidAuthorizationCookie, message: 'authCookies' }, cause === undefined ? {} : { cause });
}

/** GetCookieResult : Cookie. */
export type GetCookieResponse = CookieOut;

export function encodeGetCookieResponse(result: GetCookieResponse): XmlNode {
  return responseElement(CLIENT_NS, 'GetCookie', [cookieNode('GetCookieResult', result)]);
}
