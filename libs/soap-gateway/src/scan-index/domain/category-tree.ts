import type { RevisionEntry, ScanIndexState } from './scan-index.state.js';

/**
 * What StartCategoryScan (§3.1.5.6) needs to know of a requested id: a product category, an update
 * classification category, another kind of category, or (undefined) nothing the server recognises.
 */
export type CategoryKind = 'product' | 'classification' | 'other';

/**
 * The product tree of WSUS: Company → ProductFamily → Product. All three are "product categories"
 * in MS-WUSP's sense (an update category "that contains updates for a particular product"): WSUS
 * lets an administrator pick any node of that tree as a product, and a node covers what is under it.
 */
const PRODUCT_TREE_TYPES = new Set(['company', 'productfamily', 'product']);
const CLASSIFICATION_TYPE = 'updateclassification';

/**
 * The kind of a category revision; undefined for an id that is not a category the index holds
 * (unknown, software, driver, detectoid). A Category imported before UpdateRevisionImported recorded
 * its type is taken as a product, which is what the server answered before types were known.
 */
export function categoryKindOf(revision: RevisionEntry | undefined): CategoryKind | undefined {
  if (revision === undefined || revision.updateType !== 'Category') return undefined;
  if (revision.categoryType === null) return 'product';
  const type = revision.categoryType.toLowerCase();
  if (PRODUCT_TREE_TYPES.has(type)) return 'product';
  if (type === CLASSIFICATION_TYPE) return 'classification';
  return 'other';
}

/**
 * The categories a revision belongs to: its IsCategory clauses, plus prerequisite ids that are
 * categories (some documents name their classification or product without IsCategory, e.g.
 * ccb78947 r200). For a category, these are its parents in the product tree.
 */
export function categoriesOf(state: ScanIndexState, revision: RevisionEntry): string[] {
  const ids = new Set(revision.categoryIds);
  for (const clause of revision.prerequisites) {
    for (const id of clause) if (state.updates.get(id)?.latest.updateType === 'Category') ids.add(id);
  }
  ids.delete(revision.updateId);
  return [...ids];
}

/**
 * FilterCategoryIds closed under "covers": a company or product family covers every product under
 * it (and a product its sub-products), so an update is related to a requested company when its
 * product is under that company. Classifications have nothing under them and stay as they are.
 */
export function expandCategoryFilter(state: ScanIndexState, filter: ReadonlySet<string>): Set<string> {
  const children = new Map<string, string[]>();
  for (const updateId of state.evaluateOnlyUpdates) {
    const revision = state.updates.get(updateId)?.latest;
    if (revision === undefined || revision.updateType !== 'Category') continue;
    for (const parent of categoriesOf(state, revision)) {
      const list = children.get(parent);
      if (list === undefined) children.set(parent, [updateId]);
      else list.push(updateId);
    }
  }
  const expanded = new Set(filter);
  const queue = [...filter];
  for (let i = 0; i < queue.length; i += 1) {
    for (const child of children.get(queue[i]!) ?? []) {
      if (expanded.has(child)) continue;
      expanded.add(child);
      queue.push(child);
    }
  }
  return expanded;
}
