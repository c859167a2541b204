import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseUpdateDocument } from './update-document.parser.js';
import { DOCUMENTS, readDocument } from './update-metadata.fixtures.js';
import { isLeaf, prerequisiteTargets, resolveCategories } from './update-relationships.resolver.js';

describe('catalog-level relationships', () => {
  const summaries = Object.values(DOCUMENTS).map((file) => parseUpdateDocument(readDocument(file)));
  const [leaf, category, bundle, hidden] = summaries;

  it('IsLeaf: an update is non-leaf only when some revision names it as a prerequisite', () => {
    assert.ok(leaf !== undefined && category !== undefined && bundle !== undefined && hidden !== undefined);
    const targets = prerequisiteTargets(summaries);
    assert.ok(targets.has('8c3fcc84-7410-4a95-8b89-a166a0190486'));
    assert.ok(targets.has('e0789628-ce08-4437-be74-2495b842f43b'));
    // None of the four fixture documents is a prerequisite of another; bundle members are leaves.
    for (const s of summaries) assert.equal(isLeaf(s, targets), true);
    const withCategory = new Set([...targets, category.identity.updateId]);
    assert.equal(isLeaf(category, withCategory), false);
  });

  it('resolves products and classifications from AtLeastOne clauses, with or without IsCategory', () => {
    // Types as the category documents declare them (CategoryInformation/@CategoryType).
    const types = new Map([
      ['8c3fcc84-7410-4a95-8b89-a166a0190486', 'Product'],
      ['e0789628-ce08-4437-be74-2495b842f43b', 'UpdateClassification'],
    ]);
    for (const s of [bundle, hidden]) {
      assert.ok(s !== undefined);
      const resolved = resolveCategories(s, (id) => types.get(id));
      assert.deepEqual(resolved.products, ['8c3fcc84-7410-4a95-8b89-a166a0190486']);
      assert.deepEqual(resolved.classifications, ['e0789628-ce08-4437-be74-2495b842f43b']);
    }
    assert.ok(leaf !== undefined);
    // Bare UpdateIdentity prerequisites are detectoids/updates, never categories.
    const resolved = resolveCategories(leaf, (id) => types.get(id) ?? 'Detectoid');
    assert.deepEqual(resolved.products, ['8c3fcc84-7410-4a95-8b89-a166a0190486']);
    assert.deepEqual([...resolved.other.keys()], []);
  });
});
