import { element, invalidParameter, textElement, type XmlNode } from '../soap/index.js';
import { base64Text, optionalText, responseElement } from './wusp-common.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { SIMPLE_AUTH_NS } from './wusp.namespaces.js';

/** SimpleAuth GetAuthorizationCookie request (§2.2.2.1.1, wusp.md §6.1). */
export interface GetAuthorizationCookieRequest {
  readonly clientId: string;
  /** Native WUA omits it unless client-side targeting is configured. */
  readonly targetGroupName?: string;
  readonly dnsName: string;
}

/**
 * ClientIdString (glossary): 1-255 of a-z, 0-9, '-'. WUA sends a lower-case GUID; upper case is
 * accepted too because the glossary's lower-case rule reads as a description of what WUA generates.
 */
const CLIENT_ID = /^[A-Za-z0-9-]{1,255}$/;
/** "consistent with DNS naming": dot-separated labels; `_` tolerated because real NetBIOS-derived names use it. */
const DNS_NAME = /^(?=.{1,255}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/**
 * Invalid clientId / dnsName → InvalidParameters. The spec allows InvalidParameters or
 * InternalServerError and WSUS answers InternalServerError (<50>, <51>); InternalServerError tells the
 * client to retry later, which can never help for bad input, so we follow the spec's first option.
 */
export function decodeGetAuthorizationCookie(r: ElementReader): GetAuthorizationCookieRequest {
  const clientId = r.string('clientId');
  if (clientId === undefined || !CLIENT_ID.test(clientId)) throw invalidParameter('clientId');
  const dnsName = r.string('dnsName');
  if (dnsName === undefined || !DNS_NAME.test(dnsName)) throw invalidParameter('dnsName');
  const targetGroupName = r.string('targetGroupName');
  // The §4 example sends `<targetGroupName />` for "none".
  return targetGroupName === undefined || targetGroupName === '' ? { clientId, dnsName } : { clientId, targetGroupName, dnsName };
}

/** GetAuthorizationCookieResult : AuthorizationCookie. */
export interface GetAuthorizationCookieResponse {
  /** "SimpleTargeting" for WSUS. */
  readonly plugInId: string;
  readonly cookieData: Uint8Array;
}

export function encodeGetAuthorizationCookieResponse(result: GetAuthorizationCookieResponse): XmlNode {
  return responseElement(SIMPLE_AUTH_NS, 'GetAuthorizationCookie', [
    element('GetAuthorizationCookieResult', [optionalText('PlugInId', result.plugInId), textElement('CookieData', base64Text(result.cookieData))]),
  ]);
}
