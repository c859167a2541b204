import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID } from '#contracts';
import type { UpdateInfo } from '#wsus-codecs';
import { candidatePositions } from '../../scan-index/domain/scope-prerequisite-index.js';
import type { ScanScope } from '../../scan-index/domain/scan-scope.js';
import { guid, ScanCatalogBuilder, softwarePass } from '../../scan-index/testing/scan-catalog.builder.js';
import { DEFAULT_SYNC_UPDATES_PAGE_SIZE, installedUpdateIds, newUpdateCandidates, prerequisitesSatisfied, syncUpdates } from './sync-updates.query.js';

/**
 * NewUpdates looks only at the scope entries filed under a prerequisite the client reports installed
 * (scope-prerequisite-index.ts). These tests hold it to the plain definition — walk the whole scope
 * in paging order, skip what is cached or waits for a prerequisite — on a catalog shaped like the
 * bench's (24 products, detectoid chains, classifications, bundles, OR-clauses, odd prerequisites),
 * for clients with a few products and with most of them, through whole scans and after changes.
 */

const PRODUCTS = 24;

/** Small deterministic generator (mulberry32), so a failure names a reproducible catalog. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ShapedCatalog {
  readonly catalog: ScanCatalogBuilder;
  readonly products: readonly string[];
  /** Per product, its detectoid chain (root first). */
  readonly detectoids: readonly (readonly string[])[];
  /** Deployable updates not approved yet, for changes during a test. */
  readonly unapproved: string[];
}

function shapedCatalog(seed: number, leaves: number): ShapedCatalog {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const catalog = new ScanCatalogBuilder();
  let n = 1;
  const add = (spec: Omit<Parameters<ScanCatalogBuilder['revision']>[0], 'revisionId' | 'updateId'>): string => {
    const updateId = guid(n);
    catalog.revision({ revisionId: n, updateId, ...spec });
    n += 1;
    return updateId;
  };
  const company = add({ type: 'Category', categoryType: 'Company' });
  const families = Array.from({ length: 3 }, () => add({ type: 'Category', categoryType: 'ProductFamily', prerequisites: [[company]], categoryIds: [company] }));
  const products = Array.from({ length: PRODUCTS }, (_, i) => add({ type: 'Category', categoryType: 'Product', prerequisites: [[families[i % 3]!]], categoryIds: [families[i % 3]!] }));
  const classifications = Array.from({ length: 6 }, () => add({ type: 'Category', categoryType: 'UpdateClassification' }));
  const detectoids = products.map((product) => {
    const root = add({ type: 'Detectoid', prerequisites: [[product]] });
    return [root, add({ type: 'Detectoid', prerequisites: [[root]] })];
  });
  const deployable: string[] = [];
  for (let i = 0; i < leaves; i += 1) {
    const p = Math.floor(next() * PRODUCTS);
    const product = products[p]!;
    const tip = detectoids[p]![1]!;
    const classification = pick(classifications);
    const roll = next();
    if (roll < 0.06) {
      const members = [add({ prerequisites: [[tip]] }), add({ prerequisites: [[tip]] })];
      deployable.push(add({ prerequisites: [[tip], [product], [classification]], categoryIds: [product, classification], bundled: members }));
    } else if (roll < 0.1) {
      // Either of two products' detectoids will do.
      const other = detectoids[(p + 5) % PRODUCTS]![1]!;
      deployable.push(add({ prerequisites: [[tip, other], [classification]], categoryIds: [product, classification] }));
    } else if (roll < 0.12) {
      // Malformed metadata: an empty clause is ignored, as the prerequisite check ignores it.
      deployable.push(add({ prerequisites: [[], [classification]], categoryIds: [classification] }));
    } else if (roll < 0.13) {
      deployable.push(add({}));
    } else if (roll < 0.15) {
      // A prerequisite that is itself an approvable software update.
      const base = deployable.length > 0 ? pick(deployable) : tip;
      deployable.push(add({ prerequisites: [[tip], [base]], categoryIds: [product, classification] }));
    } else {
      deployable.push(add({ prerequisites: [[tip], [product], [classification]], categoryIds: [product, classification] }));
    }
  }
  const unapproved: string[] = [];
  for (const updateId of deployable) {
    if (next() < 0.6) catalog.approve(updateId, ALL_COMPUTERS_GROUP_ID, next() < 0.9 ? 'Install' : 'OptionalInstall');
    else unapproved.push(updateId);
  }
  return { catalog, products, detectoids, unapproved };
}

/** What a computer with these products evaluates as installed: every category but other products, and its products' detectoids. */
function productSetEvaluator(shaped: ShapedCatalog, mine: readonly number[]): (updateId: string) => boolean {
  const others = new Set(shaped.products.filter((_, i) => !mine.includes(i)));
  const detectoids = new Set(mine.flatMap((i) => shaped.detectoids[i]!));
  return (updateId) => {
    const revision = shaped.catalog.view.latestRevision(updateId)!;
    if (revision.updateType === 'Category') return !others.has(updateId);
    if (revision.updateType === 'Detectoid') return detectoids.has(updateId);
    return false;
  };
}

interface Cache {
  installedNonLeaf: number[];
  otherCached: number[];
  anchor: string | null;
}

/** NewUpdates by definition: the whole scope in paging order, less cached, less what waits for a prerequisite. */
function referencePage(shaped: ShapedCatalog, scope: ScanScope, cache: Cache): { ids: number[]; truncated: boolean } {
  const cached = new Set([...cache.installedNonLeaf, ...cache.otherCached]);
  const installed = installedUpdateIds(shaped.catalog.view, cache.installedNonLeaf);
  const ids: number[] = [];
  for (const entry of scope.ordered) {
    if (cached.has(entry.revision.revisionId) || !prerequisitesSatisfied(entry.revision, installed)) continue;
    if (ids.length === DEFAULT_SYNC_UPDATES_PAGE_SIZE) return { ids, truncated: true };
    ids.push(entry.revision.revisionId);
  }
  return { ids, truncated: false };
}

/** Scans until nothing new comes, checking every page against the reference; returns the pages. */
function scanAndCompare(shaped: ShapedCatalog, cache: Cache, installs: (updateId: string) => boolean): number[][] {
  const { view } = shaped.catalog;
  const pages: number[][] = [];
  for (let round = 0; round < 200; round += 1) {
    const scope = view.scope([ALL_COMPUTERS_GROUP_ID], { pass: 'software', policy: 'approved-only' });
    const expected = referencePage(shaped, scope, cache);
    const first = cache.installedNonLeaf.length === 0 && cache.otherCached.length === 0;
    const outcome = syncUpdates(view, {
      computerId: 'pc-1',
      cookieGroupIds: null,
      clientProtocolVersion: '2.90',
      lastSyncAnchor: cache.anchor,
      parameters: first ? softwarePass() : softwarePass([...cache.installedNonLeaf], [...cache.otherCached]),
    });
    const got = (outcome.result.newUpdates ?? []).map((u: UpdateInfo) => u.id);
    assert.deepEqual(got, expected.ids, `round ${round}: NewUpdates differs from the whole-scope walk`);
    assert.equal(outcome.result.truncated, expected.truncated, `round ${round}: Truncated differs`);
    pages.push(got);
    cache.anchor = outcome.lastSyncAnchor;
    for (const u of outcome.result.newUpdates ?? []) {
      const updateId = view.revision(u.id)!.updateId;
      (!u.isLeaf && installs(updateId) ? cache.installedNonLeaf : cache.otherCached).push(u.id);
    }
    if (got.length === 0 && !outcome.result.truncated) break;
  }
  return pages;
}

describe('SyncUpdates NewUpdates through the scope prerequisite index', () => {
  it('gives a computer with 2 of 24 products exactly the pages of the whole-scope walk, through the index', () => {
    const shaped = shapedCatalog(20261126, 3000);
    const { view } = shaped.catalog;
    const scope = view.scope([ALL_COMPUTERS_GROUP_ID], { pass: 'software', policy: 'approved-only' });
    for (const mine of [[0, 7], [3, 10], [23, 6]]) {
      const cache: Cache = { installedNonLeaf: [], otherCached: [], anchor: null };
      const installs = productSetEvaluator(shaped, mine);
      const pages = scanAndCompare(shaped, cache, installs);
      assert.ok(pages.flat().length > 100, 'the computer was offered its products\' updates');
      // Not vacuous: for this client the index narrows the walk instead of falling back to it.
      const installed = installedUpdateIds(view, cache.installedNonLeaf);
      const positions = candidatePositions(view.prerequisiteIndex(scope), installed, scope.ordered.length);
      assert.ok(positions !== undefined && positions.length < scope.ordered.length / 4, 'the index was used');
      // A steady rescan offers nothing, as the walk would.
      assert.deepEqual(scanAndCompare(shaped, cache, installs), [[]]);
    }
  });

  it('gives a computer with most products (the index falls back to the walk) the same pages', () => {
    const shaped = shapedCatalog(7, 1500);
    const cache: Cache = { installedNonLeaf: [], otherCached: [], anchor: null };
    scanAndCompare(shaped, cache, productSetEvaluator(shaped, Array.from({ length: 20 }, (_, i) => i)));
  });

  it('follows new approvals and withdrawals: each index version answers as the walk over that version', () => {
    const shaped = shapedCatalog(99, 2000);
    const installs = productSetEvaluator(shaped, [1, 8]);
    const cache: Cache = { installedNonLeaf: [], otherCached: [], anchor: null };
    scanAndCompare(shaped, cache, installs);
    // Approve everything not yet approved, a few at a time, rescanning in between.
    for (let i = 0; i < shaped.unapproved.length; i += 150) {
      for (const updateId of shaped.unapproved.slice(i, i + 150)) shaped.catalog.approve(updateId, ALL_COMPUTERS_GROUP_ID);
      scanAndCompare(shaped, cache, installs);
    }
    const before = cache.otherCached.length;
    assert.ok(before > 0);
    // Withdraw some approvals: the walk and the index agree again (what left is OutOfScope, not offered).
    for (const updateId of shaped.unapproved.slice(0, 300)) shaped.catalog.removeApproval(updateId, ALL_COMPUTERS_GROUP_ID);
    scanAndCompare(shaped, cache, installs);
  });

  it('lists each candidate once, in paging order, and never misses one the client may be offered', () => {
    const shaped = shapedCatalog(5, 2500);
    const { view } = shaped.catalog;
    const scope = view.scope([ALL_COMPUTERS_GROUP_ID], { pass: 'software', policy: 'approved-only' });
    const everyNonLeaf = scope.ordered.filter((e) => !e.isLeaf).map((e) => e.revision.revisionId);
    for (const mine of [[0], [4, 11], [2, 9, 16]]) {
      const installs = productSetEvaluator(shaped, mine);
      const installed = installedUpdateIds(view, everyNonLeaf.filter((id) => installs(view.revision(id)!.updateId)));
      const positions = newUpdateCandidates(view, scope, installed);
      assert.ok(positions !== undefined, 'the index was used');
      const candidates = positions.map((position) => scope.ordered[position]!);
      assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'paging order');
      assert.equal(new Set(positions).size, positions.length, 'no repeats');
      assert.ok(candidates.length < scope.ordered.length / 4, 'narrowed');
      const offered = new Set(candidates);
      for (const entry of scope.ordered) {
        if (prerequisitesSatisfied(entry.revision, installed)) assert.ok(offered.has(entry), `revision ${entry.revision.revisionId} is offerable but not a candidate`);
      }
    }
  });
});
