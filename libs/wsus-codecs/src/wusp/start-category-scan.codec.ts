import type { XmlNode } from '../soap/index.js';
import { guidArrayNode, responseElement } from './wusp-common.codec.js';
import type { ElementReader } from './wusp-value.reader.js';
import { CLIENT_NS } from './wusp.namespaces.js';

export interface CategoryRelationship {
  /** Categories sharing an index are ANDed, groups are ORed (wusp.md §7.4). */
  readonly indexOfAndGroup: number;
  readonly categoryId: string;
}

/** StartCategoryScan carries no cookie at all (schema has only requestedCategories). */
export interface StartCategoryScanRequest {
  readonly requestedCategories: readonly CategoryRelationship[];
}

/** requestedCategories MUST be present; WSUS 3.0 SP2 requires fewer than 200 (<52>) → InvalidParameters. */
export function decodeStartCategoryScan(r: ElementReader): StartCategoryScanRequest {
  const requestedCategories = r.requiredArray(
    'requestedCategories',
    'CategoryRelationship',
    (c) => ({ indexOfAndGroup: c.requiredInt('IndexOfAndGroup'), categoryId: c.requiredGuid('CategoryId') }),
    r.options.maxRequestedCategories,
  );
  return { requestedCategories };
}

export interface StartCategoryScanResponse {
  readonly preferredCategoryIds?: readonly string[];
  readonly requestedCategoryIdsInError?: readonly string[];
}

export function encodeStartCategoryScanResponse(result: StartCategoryScanResponse): XmlNode {
  return responseElement(CLIENT_NS, 'StartCategoryScan', [
    guidArrayNode('preferredCategoryIds', result.preferredCategoryIds),
    guidArrayNode('requestedCategoryIdsInError', result.requestedCategoryIdsInError),
  ]);
}
