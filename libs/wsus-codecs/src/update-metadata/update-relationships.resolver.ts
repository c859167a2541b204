import type { UpdateSummary } from './update-document.types.js';

/**
 * Catalog-level facts that no single document holds.
 *
 * IsLeaf (MS-WUSP §3.1.5.7): a revision is a leaf iff no Prerequisite-table entry names its
 * UpdateID. That needs every document of the catalog, so the per-document summary cannot carry it;
 * these helpers compute it from summaries.
 */
export function prerequisiteTargets(summaries: Iterable<UpdateSummary>): Set<string> {
  const targets = new Set<string>();
  for (const summary of summaries) {
    for (const clause of summary.prerequisites) for (const id of clause.updateIds) targets.add(id);
  }
  return targets;
}

export function isLeaf(summary: UpdateSummary, targets: ReadonlySet<string>): boolean {
  return !targets.has(summary.identity.updateId);
}

/**
 * WSUS models an update's products and classifications as `AtLeastOne` prerequisite clauses whose
 * members are Category revisions (usually flagged `IsCategory="true"`, but not always: ccb78947 r200
 * names the Definition Updates classification and the Defender product without the flag). Which
 * id is a product and which a classification is only known from the category's own document
 * (`HandlerSpecificData/CategoryInformation/@CategoryType`, MS-WSUSSS §3.1.1.1), hence the lookup.
 */
export interface ResolvedCategories {
  readonly products: readonly string[];
  readonly classifications: readonly string[];
  /** Any other category type (Company, ProductFamily…), by type. */
  readonly other: ReadonlyMap<string, readonly string[]>;
}

export function resolveCategories(
  summary: UpdateSummary,
  categoryTypeOf: (updateId: string) => string | undefined,
): ResolvedCategories {
  const products: string[] = [];
  const classifications: string[] = [];
  const other = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const clause of summary.prerequisites) {
    if (!clause.atLeastOne) continue;
    for (const id of clause.updateIds) {
      if (seen.has(id)) continue;
      seen.add(id);
      const type = categoryTypeOf(id);
      if (type === undefined) continue;
      if (type === 'Product') products.push(id);
      else if (type === 'UpdateClassification') classifications.push(id);
      else other.set(type, [...(other.get(type) ?? []), id]);
    }
  }
  return { products, classifications, other };
}
