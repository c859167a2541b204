import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID } from '#contracts';
import { guid, ScanCatalogBuilder } from '../../scan-index/testing/scan-catalog.builder.js';
import { emptyClientCache, idsOf, runSoftwareScan } from '../testing/scan-loop.js';
import { syncUpdates } from './sync-updates.query.js';

/**
 * Sanity at catalog scale (no timing assertions): a few thousand revisions shaped like a real
 * catalog (category tree, detectoids, bundles with members, prerequisite chains), one full scan
 * the way WUA walks it, then a differential rescan. Checks the answers stay right at this size:
 * every in-scope revision exactly once, never before its prerequisites, and a rescan with nothing new.
 */
function generatedCatalog(): { catalog: ScanCatalogBuilder; expected: number } {
  const catalog = new ScanCatalogBuilder();
  let revisionId = 1;
  let n = 1;
  const add = (spec: Omit<Parameters<ScanCatalogBuilder['revision']>[0], 'revisionId' | 'updateId'>): string => {
    const updateId = guid(n++);
    catalog.revision({ revisionId: revisionId++, updateId, ...spec });
    return updateId;
  };
  const company = add({ type: 'Category' });
  const families = Array.from({ length: 5 }, () => add({ type: 'Category', prerequisites: [[company]], categoryIds: [company] }));
  const products = families.flatMap((f) => Array.from({ length: 10 }, () => add({ type: 'Category', prerequisites: [[f]], categoryIds: [f] })));
  const classifications = Array.from({ length: 8 }, () => add({ type: 'Category' }));
  const detectoids = Array.from({ length: 40 }, () => add({ type: 'Detectoid' }));
  let inScope = 1 + families.length + products.length + classifications.length + detectoids.length;
  for (let i = 0; i < 1200; i += 1) {
    const product = products[i % products.length]!;
    const classification = classifications[i % classifications.length]!;
    const members = [add({}), add({})];
    const bundle = add({
      prerequisites: [[product], [classification], [detectoids[i % detectoids.length]!, detectoids[(i + 1) % detectoids.length]!]],
      categoryIds: [product, classification],
      bundled: members,
    });
    // Two of three bundles approved; the rest stay out of scope with their members.
    if (i % 3 !== 2) {
      catalog.approve(bundle, ALL_COMPUTERS_GROUP_ID);
      inScope += 3;
    }
  }
  return { catalog, expected: inScope };
}

describe('SyncUpdates on a generated catalog of a few thousand revisions', () => {
  it('walks the whole catalog staged and paged, once per revision, then rescans with nothing new', () => {
    const { catalog, expected } = generatedCatalog();
    assert.ok(catalog.view.revisionCount > 3500);
    const cache = emptyClientCache();

    const rounds = runSoftwareScan(catalog.view, cache, { maxRounds: 500 });

    const delivered = rounds.flatMap((r) => idsOf(r.result.newUpdates));
    assert.equal(delivered.length, expected);
    assert.equal(new Set(delivered).size, expected, 'no revision delivered twice');
    assert.ok(rounds.every((r) => idsOf(r.result.newUpdates).length <= 30));
    // Each revision arrives only after everything it requires: check against the order of delivery.
    const seenAt = new Map(delivered.map((id, i) => [id, i]));
    for (const id of delivered) {
      const revision = catalog.view.revision(id)!;
      for (const clause of revision.prerequisites) {
        assert.ok(
          clause.some((u) => (seenAt.get(catalog.view.latestRevision(u)!.revisionId) ?? Infinity) < seenAt.get(id)!),
          `revision ${id} delivered before its prerequisites`,
        );
      }
    }

    const version = catalog.view.version;
    const rescan = syncUpdates(catalog.view, {
      computerId: 'pc-1',
      cookieGroupIds: null,
      clientProtocolVersion: '2.90',
      lastSyncAnchor: cache.lastSyncAnchor,
      parameters: { expressQuery: false, skipSoftwareSync: false, installedNonLeafUpdateIds: cache.installedNonLeaf, otherCachedUpdateIds: cache.otherCached },
    });
    assert.equal(catalog.view.version, version);
    assert.deepEqual(rescan.result, { truncated: false, driverSyncNotNeeded: true });
  });
});
