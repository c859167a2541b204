import { element, invalidParameter, textElement, type XmlNode } from '../soap/index.js';
import type { XmlDateTime } from './wusp-common.types.js';
import { arrayNode, boolText, formatXmlDateTime, intArrayNode, optionalText, responseElement } from './wusp-common.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { CLIENT_NS } from './wusp.namespaces.js';

export interface GetConfigRequest {
  /** Two-part client protocol version, e.g. "2.90" from Windows 11 (fixture 01). */
  readonly protocolVersion: string;
}

/** "x.y" – both GetConfig and GetCookie require a two-part version string (§3.1.5.2, §3.1.5.4). */
export const PROTOCOL_VERSION = /^[0-9]+\.[0-9]+$/;

/** protocolVersion MUST be a non-NULL two-part version → InvalidParameters (§3.1.5.2 "MAY"; we do). */
export function decodeGetConfig(r: ElementReader): GetConfigRequest {
  const protocolVersion = r.string('protocolVersion')?.trim();
  if (protocolVersion === undefined || !PROTOCOL_VERSION.test(protocolVersion)) throw invalidParameter('protocolVersion');
  return { protocolVersion };
}

export interface AuthPlugInInfo {
  readonly plugInId?: string;
  readonly serviceUrl?: string;
  /** Spec: MUST NOT be present; WSUS writes an empty `<Parameter/>` anyway, so '' reproduces WSUS. */
  readonly parameter?: string;
}

export interface ConfigurationProperty {
  readonly name?: string;
  readonly value?: string;
}

/** GetConfigResult : Config, fields in WSDL order (wusp.md §7.1). */
export interface GetConfigResponse {
  readonly lastChange: XmlDateTime;
  readonly isRegistrationRequired: boolean;
  readonly authInfo?: readonly AuthPlugInInfo[];
  /** WS2025 omits it. */
  readonly allowedEventIds?: readonly number[];
  readonly properties?: readonly ConfigurationProperty[];
}

export function encodeGetConfigResponse(result: GetConfigResponse): XmlNode {
  return responseElement(CLIENT_NS, 'GetConfig', [
    element('GetConfigResult', [
      textElement('LastChange', formatXmlDateTime(result.lastChange)),
      textElement('IsRegistrationRequired', boolText(result.isRegistrationRequired)),
      arrayNode('AuthInfo', result.authInfo, (a) =>
        element('AuthPlugInInfo', [optionalText('PlugInID', a.plugInId), optionalText('ServiceUrl', a.serviceUrl), optionalText('Parameter', a.parameter)]),
      ),
      intArrayNode('AllowedEventIds', result.allowedEventIds),
      arrayNode('Properties', result.properties, (p) => element('ConfigurationProperty', [optionalText('Name', p.name), optionalText('Value', p.value)])),
    ]),
  ]);
}
