import type { CategoryRelationship, StartCategoryScanResponse } from '#wsus-codecs';
import type { CategoryKind } from '../../scan-index/domain/category-tree.js';

/** What the server knows about a category id; undefined = not recognised. */
export type { CategoryKind };

/**
 * StartCategoryScan processing (§3.1.5.6, wusp.md §7.4): unknown ids go to the error list and take
 * their whole AND-group with them; each remaining group must be one product, or one product plus one
 * classification (the product is kept); any other group clears the preferred list and stops.
 */
export function planCategoryScan(requested: readonly CategoryRelationship[], kindOf: (categoryId: string) => CategoryKind | undefined): StartCategoryScanResponse {
  const groups = new Map<number, CategoryRelationship[]>();
  for (const r of requested) groups.set(r.indexOfAndGroup, [...(groups.get(r.indexOfAndGroup) ?? []), r]);
  const inError: string[] = [];
  const valid: CategoryRelationship[][] = [];
  for (const members of groups.values()) {
    const unknown = members.filter((m) => kindOf(m.categoryId) === undefined);
    if (unknown.length > 0) inError.push(...unknown.map((m) => m.categoryId));
    else valid.push(members);
  }
  const preferred: string[] = [];
  for (const members of valid) {
    const kinds = members.map((m) => kindOf(m.categoryId));
    const product = members.find((m) => kindOf(m.categoryId) === 'product');
    const allowed =
      (members.length === 1 && kinds[0] === 'product') ||
      (members.length === 2 && kinds.includes('product') && kinds.includes('classification'));
    if (!allowed || product === undefined) {
      preferred.length = 0;
      break;
    }
    if (!preferred.includes(product.categoryId)) preferred.push(product.categoryId);
  }
  // WS2025 leaves out the error list when it is empty (fixture 05).
  return inError.length > 0 ? { preferredCategoryIds: preferred, requestedCategoryIdsInError: inError } : { preferredCategoryIds: preferred };
}
