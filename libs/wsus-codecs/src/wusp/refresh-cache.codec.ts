import { element, textElement, type XmlNode } from '../soap/index.js';
import type { Cookie, Deployment, UpdateIdentity } from './wusp-common.types.js';
import { arrayNode, boolText, deploymentNode, intText, readRequiredCookie, readUpdateIdentity, responseElement, updateIdentityNode } from './wusp-common.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { CLIENT_NS } from './wusp.namespaces.js';

export interface RefreshCacheRequest {
  readonly cookie: Cookie;
  readonly globalIds: readonly UpdateIdentity[];
}

/** globalIDs MUST be present → InvalidParameters (§3.1.5.8). */
export function decodeRefreshCache(r: ElementReader): RefreshCacheRequest {
  const cookie = readRequiredCookie(r);
  return { cookie, globalIds: r.requiredArray('globalIDs', 'UpdateIdentity', readUpdateIdentity) };
}

export interface RefreshCacheResult {
  readonly revisionId: number;
  readonly globalId: UpdateIdentity;
  readonly isLeaf: boolean;
  readonly deployment: Deployment;
}

export type RefreshCacheResponse = readonly RefreshCacheResult[];

/** RefreshCacheResponse/RefreshCacheResult (array) / RefreshCacheResult (item): the name repeats by WSDL design. */
export function encodeRefreshCacheResponse(results: RefreshCacheResponse): XmlNode {
  return responseElement(CLIENT_NS, 'RefreshCache', [
    arrayNode('RefreshCacheResult', results, (x) =>
      element('RefreshCacheResult', [
        textElement('RevisionID', intText(x.revisionId)),
        updateIdentityNode('GlobalID', x.globalId),
        textElement('IsLeaf', boolText(x.isLeaf)),
        deploymentNode(x.deployment),
      ]),
    ),
  ]);
}
