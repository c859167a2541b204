import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_COMPUTERS_GROUP_ID } from '#contracts';
import type { UpdateInfo } from '#wsus-codecs';
import { candidatePositions } from '../../scan-index/domain/scope-prerequisite-index.js';
import type { ScanScope } from '../../scan-index/domain/scan-scope.js';
import { guid, ScanCatalogBuilder, softwarePass } from '../../scan-index/testing/scan-catalog.builder.js';
import { DEFAULT_SYNC_UPDATES_PAGE_SIZE, installedUpdateIds, newUpdateCandidates, prerequisitesSatisfied, syncUpdates } from './sync-updates.query.js';
import { SettledScans } from './settled-scans.js';

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
  /** The gateway's memo of settled computers (settled-scans.ts), one per catalog: every scan here goes through it. */
  readonly settled: CountingSettledScans;
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
  return { catalog, products, detectoids, unapproved, settled: new CountingSettledScans() };
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

/** The memo, counting the calls it answered whole (quiet rescans), so a test can tell it was used. */
class CountingSettledScans extends SettledScans {
  quietAnswers = 0;

  override isQuiet(computerId: string, version: number, requestHash: number): boolean {
    const quiet = super.isQuiet(computerId, version, requestHash);
    if (quiet) this.quietAnswers += 1;
    return quiet;
  }
}

interface Cache {
  installedNonLeaf: number[];
  otherCached: number[];
  anchor: string | null;
  /** Default pc-1 in All Computers (server-side targeting). */
  computerId?: string;
}

/** NewUpdates by definition: the whole scope in paging order, less cached, less what waits for a prerequisite. */
function referencePage(shaped: ShapedCatalog, scope: ScanScope, cache: Cache): { ids: number[]; truncated: boolean } {
  // What a settled computer's skipped walk must equal: computed here without the memo, every time.
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
  const computerId = cache.computerId ?? 'pc-1';
  for (let round = 0; round < 200; round += 1) {
    const scope = view.scope(view.effectiveGroupIds(computerId, null), { pass: 'software', policy: 'approved-only' });
    const expected = referencePage(shaped, scope, cache);
    const first = cache.installedNonLeaf.length === 0 && cache.otherCached.length === 0;
    const query = {
      computerId,
      cookieGroupIds: null,
      clientProtocolVersion: '2.90',
      lastSyncAnchor: cache.anchor,
      parameters: first ? softwarePass() : softwarePass([...cache.installedNonLeaf], [...cache.otherCached]),
    };
    // The whole answer without the memo first (no side effects), then through it: the same, every time.
    const walked = syncUpdates(view, query);
    const outcome = syncUpdates(view, query, undefined, shaped.settled);
    assert.deepEqual(outcome, walked, `round ${round}: the memo changed the answer`);
    const got = (outcome.result.newUpdates ?? []).map((u: UpdateInfo) => u.id);
    assert.deepEqual(got, expected.ids, `round ${round}: NewUpdates differs from the whole-scope walk`);
    assert.equal(outcome.result.truncated, expected.truncated, `round ${round}: Truncated differs`);
    pages.push(got);
    cache.anchor = outcome.lastSyncAnchor;
    // As WUA does: what is out of scope leaves the cache.
    const outOfScope = new Set(outcome.result.outOfScopeRevisionIds ?? []);
    if (outOfScope.size > 0) for (const list of [cache.installedNonLeaf, cache.otherCached]) list.splice(0, list.length, ...list.filter((id) => !outOfScope.has(id)));
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
      // A steady rescan offers nothing, as the walk would; the computer's empty answer is remembered.
      assert.deepEqual(scanAndCompare(shaped, cache, installs), [[]]);
      assert.equal(shaped.settled.size, 1);
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

  it('answers a settled computer as the walk would through changes in its groups and others, moves and cache changes', () => {
    const shaped = shapedCatalog(4242, 1500);
    const { catalog } = shaped;
    const [office, lab] = [guid(900_001), guid(900_002)];
    catalog.group(office, 'Office', ALL_COMPUTERS_GROUP_ID).group(lab, 'Lab', ALL_COMPUTERS_GROUP_ID).assign('pc-a', office).assign('pc-b', lab);
    const computers = [
      { cache: { installedNonLeaf: [], otherCached: [], anchor: null, computerId: 'pc-a' } as Cache, installs: productSetEvaluator(shaped, [2, 9]) },
      { cache: { installedNonLeaf: [], otherCached: [], anchor: null, computerId: 'pc-b' } as Cache, installs: productSetEvaluator(shaped, [2, 15]) },
    ];
    for (const { cache, installs } of computers) scanAndCompare(shaped, cache, installs);
    const next = random(17);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    let settledRescans = 0;
    for (let step = 0; step < 120; step += 1) {
      const roll = next();
      if (roll < 0.3) catalog.approve(pick(shaped.unapproved), pick([office, lab]));
      else if (roll < 0.4) catalog.removeApproval(pick(shaped.unapproved), pick([office, lab]));
      else if (roll < 0.45) catalog.decline(pick(shaped.unapproved));
      else if (roll < 0.5) catalog.undecline(pick(shaped.unapproved));
      else if (roll < 0.55) catalog.assign(pick(['pc-a', 'pc-b']), pick([office, lab]));
      else if (roll < 0.65) {
        // The client forgets something it cached (a cleaned-up cache): it must be offered again.
        const { cache } = pick(computers);
        if (cache.otherCached.length > 0) cache.otherCached.splice(Math.floor(next() * cache.otherCached.length), 1);
      }
      else if (roll < 0.7) {
        // The client keeps a revision the server no longer offers it: OutOfScope, until it drops it.
        const { cache } = pick(computers);
        const outside = shaped.unapproved.map((u) => catalog.view.latestRevision(u)!.revisionId).find((id) => !cache.otherCached.includes(id));
        if (outside !== undefined) cache.otherCached.push(outside);
      }
      // else: nothing happens; a steady rescan.
      for (const { cache, installs } of computers) {
        const wasSettled = shaped.settled.size;
        const pages = scanAndCompare(shaped, cache, installs);
        if (pages.length === 1 && pages[0]!.length === 0 && wasSettled > 0) settledRescans += 1;
      }
    }
    // Not vacuous: many rescans were answered from the memo, and the memo knows both computers.
    assert.ok(settledRescans > 50, `settled rescans: ${settledRescans}`);
    assert.ok(shaped.settled.quietAnswers > 20, `quiet rescans answered from the memo: ${shaped.settled.quietAnswers}`);
    assert.equal(shaped.settled.size, 2);
  });
});
